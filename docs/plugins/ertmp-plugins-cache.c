/* gst-ertmp: the plugin documentation cache (gst_plugins_cache.json)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   ertmp-plugins-cache OUT.json
 *
 * Writes what the registry knows of the "ertmp" plugin in the layout of
 * GStreamer's own documentation caches: the plugin, then per element its
 * metadata, rank, type hierarchy, interfaces, pad templates, and the
 * properties and signals its own types add (those of GStreamer's base
 * classes are documented by GStreamer), then the enums and flags they
 * use ("other-types").  Keys are sorted and nothing depends on the
 * machine or the build, so that the file is checked in and a test
 * (tests/docs) fails when an element changes without it being made again
 * ("meson compile -C build update-plugins-cache").
 */
#include <string.h>
#include <gst/gst.h>

/* ---- a small JSON tree: objects keep their keys sorted ---- */

typedef struct _Node Node;
struct _Node
{
  enum
  { OBJECT, ARRAY, STRING, LITERAL } kind;
  gchar *text;                  /* STRING, LITERAL */
  GTree *members;               /* OBJECT: key -> Node */
  GPtrArray *items;             /* ARRAY */
};

static void node_free (gpointer data);

static gint
compare_keys (gconstpointer a, gconstpointer b, gpointer unused)
{
  return strcmp (a, b);
}

static Node *
node_new (gint kind, const gchar * text)
{
  Node *n = g_new0 (Node, 1);

  n->kind = kind;
  n->text = g_strdup (text);
  if (kind == OBJECT)
    n->members = g_tree_new_full (compare_keys, NULL, g_free, node_free);
  else if (kind == ARRAY)
    n->items = g_ptr_array_new_with_free_func (node_free);
  return n;
}

static void
node_free (gpointer data)
{
  Node *n = data;

  g_free (n->text);
  if (n->members)
    g_tree_destroy (n->members);
  if (n->items)
    g_ptr_array_unref (n->items);
  g_free (n);
}

static Node *
set (Node * obj, const gchar * key, Node * value)
{
  g_tree_replace (obj->members, g_strdup (key), value);
  return value;
}

static void
set_string (Node * obj, const gchar * key, const gchar * value)
{
  set (obj, key, node_new (STRING, value ? value : ""));
}

static void
set_bool (Node * obj, const gchar * key, gboolean value)
{
  set (obj, key, node_new (LITERAL, value ? "true" : "false"));
}

static Node *
object_at (Node * obj, const gchar * key)
{
  Node *n = g_tree_lookup (obj->members, key);

  return n != NULL ? n : set (obj, key, node_new (OBJECT, NULL));
}

static void
put_escaped (GString * out, const gchar * s)
{
  g_string_append_c (out, '"');
  for (; *s; s++) {
    guchar c = *s;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\t')
      g_string_append (out, "\\t");
    else if (c < 0x20)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
}

static void node_write (const Node * n, GString * out, guint depth);

typedef struct
{
  GString *out;
  guint depth;
  gboolean first;
} WriteCtx;

static gboolean
write_member (gpointer key, gpointer value, gpointer data)
{
  WriteCtx *w = data;

  g_string_append (w->out, w->first ? "\n" : ",\n");
  w->first = FALSE;
  g_string_append_printf (w->out, "%*s", (w->depth + 1) * 4, "");
  put_escaped (w->out, key);
  g_string_append (w->out, ": ");
  node_write (value, w->out, w->depth + 1);
  return FALSE;
}

static void
node_write (const Node * n, GString * out, guint depth)
{
  guint i;

  switch (n->kind) {
    case STRING:
      put_escaped (out, n->text);
      break;
    case LITERAL:
      g_string_append (out, n->text);
      break;
    case ARRAY:
      if (n->items->len == 0) {
        g_string_append (out, "[]");
        break;
      }
      g_string_append (out, "[");
      for (i = 0; i < n->items->len; i++) {
        g_string_append (out, i ? ",\n" : "\n");
        g_string_append_printf (out, "%*s", (depth + 1) * 4, "");
        node_write (g_ptr_array_index (n->items, i), out, depth + 1);
      }
      g_string_append_printf (out, "\n%*s]", depth * 4, "");
      break;
    case OBJECT:{
      WriteCtx w = { out, depth, TRUE };

      if (g_tree_nnodes (n->members) == 0) {
        g_string_append (out, "{}");
        break;
      }
      g_string_append (out, "{");
      g_tree_foreach (n->members, write_member, &w);
      g_string_append_printf (out, "\n%*s}", depth * 4, "");
      break;
    }
  }
}

/* ---- what the registry knows ---- */

/* GStreamer's classes an element of ours may derive from: they and their
 * parents are documented by GStreamer */
static gboolean
is_gstreamer_base (GType type)
{
  static const gchar *const bases[] = {
    "GstElement", "GstBin", "GstPipeline", "GstBaseSrc", "GstPushSrc",
    "GstBaseSink", "GstBaseTransform", "GstAggregator", "GstBaseParse",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bases); i++)
    if (strcmp (g_type_name (type), bases[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @owner is @type or one of its parents below GStreamer's base
 * class: a type of this plugin */
static gboolean
is_ours (GType owner, GType type)
{
  GType t;

  for (t = type; t != 0 && !is_gstreamer_base (t); t = g_type_parent (t))
    if (t == owner)
      return TRUE;
  return FALSE;
}

static gchar *
rank_name (guint rank)
{
  static const struct
  {
    guint rank;
    const gchar *name;
  } ranks[] = {
    {GST_RANK_PRIMARY, "primary"}, {GST_RANK_SECONDARY, "secondary"},
    {GST_RANK_MARGINAL, "marginal"}, {GST_RANK_NONE, "none"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ranks); i++)
    if (rank >= ranks[i].rank) {
      if (rank == ranks[i].rank)
        return g_strdup (ranks[i].name);
      return g_strdup_printf ("%s + %u", ranks[i].name, rank - ranks[i].rank);
    }
  return g_strdup ("none");
}

static void
add_value (Node * values, const gchar * nick, const gchar * name,
    const gchar * num)
{
  Node *v = node_new (OBJECT, NULL);

  set_string (v, "name", nick);
  set_string (v, "desc", name);
  set_string (v, "value", num);
  g_ptr_array_add (values->items, v);
}

/* enums and flags the plugin's properties and signals use */
static void
note_type (Node * other, GType type)
{
  Node *t, *values;
  guint i;

  /* GLib's own (GTlsCertificateFlags) are documented by GLib */
  if ((!G_TYPE_IS_ENUM (type) && !G_TYPE_IS_FLAGS (type))
      || !g_str_has_prefix (g_type_name (type), "Gst")
      || g_tree_lookup (other->members, g_type_name (type)) != NULL)
    return;
  t = object_at (other, g_type_name (type));
  set_string (t, "kind", G_TYPE_IS_ENUM (type) ? "enum" : "flags");
  values = set (t, "values", node_new (ARRAY, NULL));
  if (G_TYPE_IS_ENUM (type)) {
    GEnumClass *klass = g_type_class_ref (type);

    for (i = 0; i < klass->n_values; i++) {
      gchar *num = g_strdup_printf ("%d", klass->values[i].value);

      add_value (values, klass->values[i].value_nick,
          klass->values[i].value_name, num);
      g_free (num);
    }
    g_type_class_unref (klass);
  } else {
    GFlagsClass *klass = g_type_class_ref (type);

    for (i = 0; i < klass->n_values; i++) {
      gchar *num = g_strdup_printf ("0x%08x", klass->values[i].value);

      add_value (values, klass->values[i].value_nick,
          klass->values[i].value_name, num);
      g_free (num);
    }
    g_type_class_unref (klass);
  }
}

/* A property's default as text: serialised where GStreamer can */
static gchar *
default_text (GParamSpec * pspec)
{
  const GValue *def = g_param_spec_get_default_value (pspec);
  gchar *text;

  if (G_VALUE_HOLDS_STRING (def))
    return g_strdup (g_value_get_string (def) ? g_value_get_string (def) :
        "NULL");
  if (G_VALUE_HOLDS_OBJECT (def) || G_VALUE_HOLDS_BOXED (def)
      || G_VALUE_HOLDS_POINTER (def))
    return g_strdup ("NULL");
  text = gst_value_serialize (def);
  return text ? text : g_strdup_value_contents (def);
}

static void
add_range (Node * p, GParamSpec * pspec)
{
  gchar *min = NULL, *max = NULL;

#define RANGE(TYPE, CAST, FMT) \
  if (G_IS_PARAM_SPEC_ ## TYPE (pspec)) { \
    min = g_strdup_printf (FMT, CAST G_PARAM_SPEC_ ## TYPE (pspec)->minimum); \
    max = g_strdup_printf (FMT, CAST G_PARAM_SPEC_ ## TYPE (pspec)->maximum); \
  }
  RANGE (INT, (gint), "%d");
  RANGE (UINT, (guint), "%u");
  RANGE (INT64, (gint64), "%" G_GINT64_FORMAT);
  RANGE (UINT64, (guint64), "%" G_GUINT64_FORMAT);
  RANGE (LONG, (glong), "%ld");
  RANGE (ULONG, (gulong), "%lu");
  RANGE (DOUBLE, (gdouble), "%g");
  RANGE (FLOAT, (gdouble), "%g");
#undef RANGE
  if (min != NULL) {
    set_string (p, "min", min);
    set_string (p, "max", max);
  }
  g_free (min);
  g_free (max);
}

static void
add_properties (Node * el, Node * other, GType type)
{
  GObjectClass *klass = g_type_class_ref (type);
  guint n, i;
  GParamSpec **specs = g_object_class_list_properties (klass, &n);
  Node *props = object_at (el, "properties");

  for (i = 0; i < n; i++) {
    GParamSpec *pspec = specs[i];
    Node *p;
    gchar *def;
    const gchar *mutable = "null";

    if (!is_ours (pspec->owner_type, type))
      continue;
    p = object_at (props, pspec->name);
    set_string (p, "blurb", g_param_spec_get_blurb (pspec));
    set_bool (p, "conditionally-available", FALSE);
    set_bool (p, "construct", (pspec->flags & G_PARAM_CONSTRUCT) != 0);
    set_bool (p, "construct-only",
        (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0);
    set_bool (p, "controllable",
        (pspec->flags & GST_PARAM_CONTROLLABLE) != 0);
    def = default_text (pspec);
    set_string (p, "default", def);
    g_free (def);
    if (pspec->flags & GST_PARAM_MUTABLE_PLAYING)
      mutable = "playing";
    else if (pspec->flags & GST_PARAM_MUTABLE_PAUSED)
      mutable = "paused";
    else if (pspec->flags & GST_PARAM_MUTABLE_READY)
      mutable = "ready";
    set_string (p, "mutable", mutable);
    set_bool (p, "readable", (pspec->flags & G_PARAM_READABLE) != 0);
    set_string (p, "type", g_type_name (pspec->value_type));
    set_bool (p, "writable", (pspec->flags & G_PARAM_WRITABLE) != 0);
    add_range (p, pspec);
    note_type (other, pspec->value_type);
  }
  g_free (specs);
  g_type_class_unref (klass);
}

static void
add_signals (Node * el, Node * other, GType type)
{
  Node *signals = object_at (el, "signals");
  GType t;

  /* the element's own types, up to GStreamer's base classes */
  for (t = type; t != 0 && !is_gstreamer_base (t); t = g_type_parent (t)) {
    guint n, i, a;
    guint *ids = g_signal_list_ids (t, &n);

    for (i = 0; i < n; i++) {
      GSignalQuery q;
      Node *s, *args;

      g_signal_query (ids[i], &q);
      s = object_at (signals, q.signal_name);
      args = set (s, "args", node_new (ARRAY, NULL));
      for (a = 0; a < q.n_params; a++) {
        Node *arg = node_new (OBJECT, NULL);
        gchar *name = g_strdup_printf ("arg%u", a);
        GType pt = q.param_types[a] & ~G_SIGNAL_TYPE_STATIC_SCOPE;

        set_string (arg, "name", name);
        set_string (arg, "type", g_type_name (pt));
        g_ptr_array_add (args->items, arg);
        note_type (other, pt);
        g_free (name);
      }
      set_string (s, "return-type", g_type_name (q.return_type &
              ~G_SIGNAL_TYPE_STATIC_SCOPE));
      set_string (s, "when", (q.signal_flags & G_SIGNAL_RUN_FIRST) ? "first"
          : (q.signal_flags & G_SIGNAL_RUN_CLEANUP) ? "cleanup" : "last");
      if (q.signal_flags & G_SIGNAL_ACTION)
        set_bool (s, "action", TRUE);
    }
    g_free (ids);
  }
}

static void
add_element (Node * elements, Node * other, GstElementFactory * factory)
{
  GstElementFactory *loaded =
      GST_ELEMENT_FACTORY (gst_plugin_feature_load (GST_PLUGIN_FEATURE
          (factory)));
  GType type = gst_element_factory_get_element_type (loaded);
  Node *el = object_at (elements, GST_OBJECT_NAME (loaded));
  GstElementClass *klass;
  Node *list;
  const GList *l;
  GType *ifaces, t;
  guint n, i;
  gchar *rank;

  set_string (el, "author", gst_element_factory_get_metadata (loaded,
          GST_ELEMENT_METADATA_AUTHOR));
  set_string (el, "description", gst_element_factory_get_metadata (loaded,
          GST_ELEMENT_METADATA_DESCRIPTION));
  set_string (el, "klass", gst_element_factory_get_metadata (loaded,
          GST_ELEMENT_METADATA_KLASS));
  set_string (el, "long-name", gst_element_factory_get_metadata (loaded,
          GST_ELEMENT_METADATA_LONGNAME));
  rank = rank_name (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE
          (loaded)));
  set_string (el, "rank", rank);
  g_free (rank);

  list = set (el, "hierarchy", node_new (ARRAY, NULL));
  for (t = type; t != 0; t = g_type_parent (t))
    g_ptr_array_add (list->items, node_new (STRING, g_type_name (t)));
  ifaces = g_type_interfaces (type, &n);
  list = set (el, "interfaces", node_new (ARRAY, NULL));
  for (i = 0; i < n; i++)
    g_ptr_array_add (list->items, node_new (STRING,
            g_type_name (ifaces[i])));
  g_free (ifaces);

  klass = g_type_class_ref (type);
  for (l = gst_element_factory_get_static_pad_templates (loaded); l != NULL;
      l = l->next) {
    GstStaticPadTemplate *tmpl = l->data;
    GstPadTemplate *real;
    Node *p = object_at (object_at (el, "pad-templates"),
        tmpl->name_template);
    GstCaps *caps = gst_static_caps_get (&tmpl->static_caps);
    gchar *text = gst_caps_to_string (caps);

    set_string (p, "caps", text);
    set_string (p, "direction", tmpl->direction == GST_PAD_SRC ? "src" :
        "sink");
    set_string (p, "presence", tmpl->presence == GST_PAD_ALWAYS ? "always" :
        tmpl->presence == GST_PAD_SOMETIMES ? "sometimes" : "request");
    /* the class's template knows the pad type (GstAggregatorPad, ...) */
    if (klass != NULL && (real = gst_element_class_get_pad_template (klass,
                tmpl->name_template)) != NULL
        && GST_PAD_TEMPLATE_GTYPE (real) != G_TYPE_NONE
        && GST_PAD_TEMPLATE_GTYPE (real) != GST_TYPE_PAD)
      set_string (p, "type", g_type_name (GST_PAD_TEMPLATE_GTYPE (real)));
    g_free (text);
    gst_caps_unref (caps);
  }
  g_type_class_unref (klass);
  add_properties (el, other, type);
  add_signals (el, other, type);
  gst_object_unref (loaded);
}

int
main (int argc, char **argv)
{
  GstPlugin *plugin;
  GList *features, *l;
  Node *root, *p, *elements, *other;
  GString *out;
  GError *err = NULL;

  gst_init (&argc, &argv);
  if (argc != 2) {
    g_printerr ("usage: %s OUT.json\n", argv[0]);
    return 2;
  }
  plugin = gst_registry_find_plugin (gst_registry_get (), "ertmp");
  if (plugin == NULL) {
    g_printerr ("the ertmp plugin is not in the registry "
        "(GST_PLUGIN_PATH_1_0?)\n");
    return 1;
  }
  root = node_new (OBJECT, NULL);
  p = object_at (root, "ertmp");
  set_string (p, "description", gst_plugin_get_description (plugin));
  set_string (p, "filename", "gstertmp");
  set_string (p, "license", gst_plugin_get_license (plugin));
  set_string (p, "package", gst_plugin_get_package (plugin));
  set_string (p, "source", gst_plugin_get_source (plugin));
  set_string (p, "url", gst_plugin_get_origin (plugin));
  set (p, "tracers", node_new (OBJECT, NULL));
  elements = object_at (p, "elements");
  other = object_at (p, "other-types");
  features = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      "ertmp");
  for (l = features; l != NULL; l = l->next)
    if (GST_IS_ELEMENT_FACTORY (l->data))
      add_element (elements, other, l->data);
  gst_plugin_feature_list_free (features);
  gst_object_unref (plugin);

  out = g_string_new (NULL);
  node_write (root, out, 0);
  g_string_append_c (out, '\n');
  node_free (root);
  if (!g_file_set_contents (argv[1], out->str, out->len, &err)) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    g_string_free (out, TRUE);
    return 1;
  }
  g_string_free (out, TRUE);
  return 0;
}
