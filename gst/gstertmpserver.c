/* gst-ertmp: one RTMP server per listening address, shared by elements
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The object (properties, signals, stats), the registry of servers and
 * the process's I/O thread.  Routes are in gstertmpserverroute.c,
 * connections in gstertmpserveraccept.c, gstertmpserverproxy.c and
 * gstertmpserverpeer.c, reports in gstertmpserverreport.c.
 */
/**
 * GstErtmpServer:
 *
 * The RTMP server that every `rtmpingestsrc` naming the same host and port
 * shares; an element's #GstRtmpIngestSrc:server property gives it.  One
 * I/O thread serves the connections of all servers of the process.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstertmpserverpriv.h"
#include "gstertmpworkers.h"

GST_DEBUG_CATEGORY (gst_ertmp_server_debug);
#define GST_CAT_DEFAULT gst_ertmp_server_debug

#define DEFAULT_CLAIM_TIMEOUT 10

enum
{
  PROP_0,
  PROP_BOUND_PORT,
  PROP_CLAIM_TIMEOUT,
  PROP_STATS,
};

enum
{
  SIGNAL_PUBLISHER_UNKNOWN,
  SIGNAL_DRAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (GstErtmpServer, gst_ertmp_server, GST_TYPE_OBJECT);

GType
gst_ertmp_takeover_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_ERTMP_TAKEOVER_REFUSE, "Refuse the newcomer (busy)", "refuse"},
    {GST_ERTMP_TAKEOVER_REPLACE_IF_SILENT,
        "Replace a publisher that sent nothing for 2 s", "replace-if-silent"},
    {GST_ERTMP_TAKEOVER_REPLACE, "Replace the old connection", "replace"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstErtmpTakeover",
            values));
  return type;
}

/* ---- the registry and the I/O thread ---- */

static GMutex registry_lock;
static GHashTable *registry;    /* registry_key -> server (not reffed) */
static GMainContext *io_context;
static GMainLoop *io_loop;
static GThread *io_thread;
static GstErtmpPoller *io_poller;
static guint io_users;

static GMainContext *
io_acquire (void)
{
  if (io_users++ == 0) {
    io_context = g_main_context_new ();
    io_loop = g_main_loop_new (io_context, FALSE);
    io_poller = gst_ertmp_poller_new (io_context);
    io_thread = gst_ertmp_io_start (io_loop, "ertmp-server");
    gst_ertmp_workers_acquire ();
  }
  return g_main_context_ref (io_context);
}

/* Under the registry lock: the last user stops the thread. */
static void
io_release (void)
{
  if (--io_users > 0)
    return;
  gst_ertmp_io_stop (io_thread, io_loop);
  gst_ertmp_poller_free (io_poller);
  io_poller = NULL;
  g_main_loop_unref (io_loop);
  g_main_context_unref (io_context);
  io_thread = NULL;
  io_loop = NULL;
  io_context = NULL;
  gst_ertmp_workers_release ();
}

typedef struct
{
  GSourceFunc func;
  gpointer data;
  GMutex lock;
  GCond cond;
  gboolean done;
} RunCall;

static gboolean
run_call (gpointer user_data)
{
  RunCall *call = user_data;

  call->func (call->data);
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
  return G_SOURCE_REMOVE;
}

void
gst_ertmp_server_run (GstErtmpServer * server, GSourceFunc func,
    gpointer data)
{
  RunCall call = {.func = func,.data = data };

  if (server->context == NULL)
    return;
  if (g_main_context_is_owner (server->context)) {
    func (data);
    return;
  }
  g_mutex_init (&call.lock);
  g_cond_init (&call.cond);
  g_main_context_invoke_full (server->context, G_PRIORITY_HIGH, run_call,
      &call, NULL);
  g_mutex_lock (&call.lock);
  while (!call.done)
    g_cond_wait (&call.cond, &call.lock);
  g_mutex_unlock (&call.lock);
  g_mutex_clear (&call.lock);
  g_cond_clear (&call.cond);
}

static gchar *
registry_key_of (const GstErtmpServerConfig * cfg)
{
  return g_strdup_printf ("%s|%d", cfg->host ? cfg->host : "0.0.0.0",
      cfg->port);
}

/* The first setting of @b that differs from @a's, or NULL. */
static const gchar *
config_mismatch (const GstErtmpServerConfig * a,
    const GstErtmpServerConfig * b)
{
  if (a->chunk_size != b->chunk_size)
    return "chunk-size";
  if (a->handshake_timeout != b->handshake_timeout)
    return "handshake-timeout";
  if (a->max_connections != b->max_connections)
    return "max-connections";
  if (a->max_per_address != b->max_per_address)
    return "max-connections-per-address";
  if (a->proxy_protocol != b->proxy_protocol)
    return "proxy-protocol";
  if (a->tls != NULL && !g_tls_certificate_is_same (a->tls, b->tls))
    return "tls-certificate";
  return NULL;
}

static GstErtmpServer *
server_new (const GstErtmpServerConfig * cfg, GError ** error)
{
  GstErtmpServer *server = g_object_new (GST_TYPE_ERTMP_SERVER, NULL);
  guint i;

  gst_object_ref_sink (server);
  server->cfg = *cfg;
  server->cfg.host = g_strdup (cfg->host ? cfg->host : "0.0.0.0");
  server->cfg.tls = cfg->tls ? g_object_ref (cfg->tls) : NULL;
  for (i = 0; i < sizeof (server->route_secret); i += 4)
    *(guint32 *) (server->route_secret + i) = g_random_int ();
  server->context = io_acquire ();
  server->poller = io_poller;
  if (!gst_ertmp_server_listen (server, error)) {
    g_main_context_unref (server->context);
    server->context = NULL;
    io_release ();
    gst_object_unref (server);
    return NULL;
  }
  return server;
}

GstErtmpServer *
gst_ertmp_server_acquire (const GstErtmpServerConfig * cfg,
    GstElement * owner, const gchar ** mismatch, GError ** error)
{
  GstErtmpServer *server = NULL;
  gchar *key = registry_key_of (cfg);

  *mismatch = NULL;
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (cfg->port != 0)
    server = g_hash_table_lookup (registry, key);
  if (server != NULL && (server->cfg.tls == NULL) != (cfg->tls == NULL)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
        "%s:%d is already served %s TLS by another element",
        server->cfg.host, cfg->port, server->cfg.tls ? "with" : "without");
    server = NULL;
  } else if (server != NULL) {
    gst_object_ref (server);
    *mismatch = config_mismatch (&server->cfg, cfg);
  } else if (error == NULL || *error == NULL) {
    server = server_new (cfg, error);
    if (server != NULL) {
      /* ephemeral ports are found by their bound port */
      g_free (key);
      key = g_strdup_printf ("%s|%d", server->cfg.host, server->bound_port);
      server->registry_key = g_strdup (key);
      g_hash_table_insert (registry, g_strdup (key), server);
    }
  }
  if (server != NULL) {
    GST_OBJECT_LOCK (server);
    server->owners = g_list_append (server->owners, owner);
    GST_OBJECT_UNLOCK (server);
  }
  g_mutex_unlock (&registry_lock);
  g_free (key);
  return server;
}

static gboolean
stop_listening (gpointer data)
{
  GstErtmpServer *server = data;

  gst_ertmp_server_unlisten (server);
  gst_ertmp_server_free_peers (server);
  return G_SOURCE_REMOVE;
}

void
gst_ertmp_server_release (GstErtmpServer * server, GstElement * owner)
{
  gboolean last;

  g_mutex_lock (&registry_lock);
  GST_OBJECT_LOCK (server);
  server->owners = g_list_remove (server->owners, owner);
  last = server->owners == NULL;
  GST_OBJECT_UNLOCK (server);
  if (last) {
    g_hash_table_remove (registry, server->registry_key);
    gst_ertmp_server_run (server, stop_listening, server);
    /* the application may keep the object: it no longer serves */
    g_main_context_unref (server->context);
    server->context = NULL;
    io_release ();
  }
  g_mutex_unlock (&registry_lock);
  gst_object_unref (server);
}

gint
gst_ertmp_server_get_bound_port (GstErtmpServer * server)
{
  return server->bound_port;
}

GstErtmpServer *
gst_ertmp_server_join (GstElement * element, GstErtmpServerConfig * cfg,
    const gchar * bad_location, const gchar * expected, GError * error)
{
  GstErtmpServer *server = NULL;
  const gchar *mismatch = NULL;

  if (bad_location != NULL) {
    GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
        ("Invalid location \"%s\": expected %s", bad_location, expected),
        ("the location property was refused; not listening"));
    g_clear_error (&error);
    gst_ertmp_server_config_clear (cfg);
    return NULL;
  }
  if (error == NULL)
    server = gst_ertmp_server_acquire (cfg, element, &mismatch, &error);
  if (server == NULL) {
    GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ_WRITE,
        ("Could not start the RTMP server: %s", error->message),
        ("%s", error->message));
    g_error_free (error);
  } else if (mismatch != NULL) {
    GST_ELEMENT_WARNING (element, RESOURCE, SETTINGS,
        ("%s:%d is shared with another element whose %s differs: the "
            "server keeps its own", cfg->host, cfg->port, mismatch),
        ("server settings come from the first element on an address"));
  }
  gst_ertmp_server_config_clear (cfg);
  return server;
}

GTlsCertificate *
gst_ertmp_server_load_certificate (GTlsCertificate * cert,
    const gchar * cert_file, const gchar * key_file, gboolean tls_scheme,
    GError ** error)
{
  GTlsCertificate *out = NULL;

  if (cert != NULL)
    out = g_object_ref (cert);
  else if (cert_file != NULL)
    out = g_tls_certificate_new_from_files (cert_file,
        key_file ? key_file : cert_file, error);
  else if (tls_scheme)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "rtmps:// needs a certificate: set tls-certificate or "
        "tls-certificate-file");
  if (out != NULL && !g_tls_backend_supports_tls (g_tls_backend_get_default
          ())) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "TLS is not available (is glib-networking installed?)");
    g_clear_object (&out);
  }
  return out;
}

void
gst_ertmp_server_config_clear (GstErtmpServerConfig * cfg)
{
  g_clear_pointer (&cfg->host, g_free);
  g_clear_object (&cfg->tls);
}

/* ---- reports ---- */

void
gst_ertmp_server_count_refused (GstErtmpServer * server, GstErtmpRefused what)
{
  GST_OBJECT_LOCK (server);
  server->counters.refused[what]++;
  GST_OBJECT_UNLOCK (server);
}

void
gst_ertmp_server_count_dropped (GstErtmpServer * server, GstErtmpDropped what)
{
  GST_OBJECT_LOCK (server);
  server->counters.dropped[what]++;
  GST_OBJECT_UNLOCK (server);
}

void
gst_ertmp_server_post (GstErtmpServer * server, GstStructure * s)
{
  GstElement *owner = NULL;

  GST_OBJECT_LOCK (server);
  if (server->owners != NULL)
    owner = gst_object_ref (server->owners->data);
  GST_OBJECT_UNLOCK (server);
  if (owner == NULL) {
    gst_structure_free (s);
    return;
  }
  gst_element_post_message (owner,
      gst_message_new_element (GST_OBJECT (owner), s));
  gst_object_unref (owner);
}

gboolean
gst_ertmp_server_emit_unknown (GstErtmpServer * server, GstErtmpPeer * peer,
    const gchar * key)
{
  gboolean hold = FALSE;

  g_signal_emit (server, signals[SIGNAL_PUBLISHER_UNKNOWN], 0,
      peer->app ? peer->app : "", key, peer->address, &hold);
  return hold;
}

static GstStructure *
get_stats (GstErtmpServer * server)
{
  GstStructure *s;
  guint i, workers, stuck;

  GST_OBJECT_LOCK (server);
  s = server->gauges ? gst_structure_copy (server->gauges) :
      gst_structure_new_empty ("rtmp-server-stats");
  for (i = 0; i < GST_ERTMP_N_REFUSED; i++) {
    gchar *f = g_strconcat ("refused-", gst_ertmp_refused_name (i), NULL);
    gst_structure_set (s, f, G_TYPE_UINT64, server->counters.refused[i],
        NULL);
    g_free (f);
  }
  for (i = 0; i < GST_ERTMP_N_DROPPED; i++) {
    gchar *f = g_strconcat ("dropped-", gst_ertmp_dropped_name (i), NULL);
    gst_structure_set (s, f, G_TYPE_UINT64, server->counters.dropped[i],
        NULL);
    g_free (f);
  }
  gst_structure_set (s, "publishers-accepted", G_TYPE_UINT64,
      server->counters.accepted, "takeovers", G_TYPE_UINT64,
      server->counters.takeovers, "connections-total", G_TYPE_UINT64,
      server->counters.connections_total, NULL);
  GST_OBJECT_UNLOCK (server);
  gst_ertmp_workers_get_counts (&workers, &stuck);
  gst_structure_set (s, "streaming-workers", G_TYPE_UINT, workers,
      "streaming-workers-stuck", G_TYPE_UINT, stuck, NULL);
  return s;
}

/* ---- GObject ---- */

static void
gst_ertmp_server_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstErtmpServer *server = GST_ERTMP_SERVER (object);

  switch (prop_id) {
    case PROP_BOUND_PORT:
      g_value_set_int (value, server->bound_port);
      break;
    case PROP_CLAIM_TIMEOUT:
      GST_OBJECT_LOCK (server);
      g_value_set_uint (value, server->claim_timeout);
      GST_OBJECT_UNLOCK (server);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, get_stats (server));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ertmp_server_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstErtmpServer *server = GST_ERTMP_SERVER (object);

  switch (prop_id) {
    case PROP_CLAIM_TIMEOUT:
      GST_OBJECT_LOCK (server);
      server->claim_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (server);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_ertmp_server_finalize (GObject * object)
{
  GstErtmpServer *server = GST_ERTMP_SERVER (object);

  gst_ertmp_server_config_clear (&server->cfg);
  ertmp_caps_clear (&server->server_caps);
  g_hash_table_unref (server->per_address);
  g_hash_table_unref (server->routes);
  g_hash_table_unref (server->apps);
  g_ptr_array_unref (server->route_list);
  g_hash_table_unref (server->play_routes);
  g_hash_table_unref (server->play_apps);
  if (server->gauges)
    gst_structure_free (server->gauges);
  g_free (server->registry_key);
  G_OBJECT_CLASS (gst_ertmp_server_parent_class)->finalize (object);
}

static void
gst_ertmp_server_init (GstErtmpServer * server)
{
  server->claim_timeout = DEFAULT_CLAIM_TIMEOUT;
  g_queue_init (&server->peers);
  server->per_address = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  server->routes = g_hash_table_new (g_str_hash, g_str_equal);
  server->apps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  server->route_list = g_ptr_array_new ();
  server->play_routes = g_hash_table_new (g_str_hash, g_str_equal);
  server->play_apps = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
}

static void
gst_ertmp_server_class_init (GstErtmpServerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->get_property = gst_ertmp_server_get_property;
  gobject_class->set_property = gst_ertmp_server_set_property;
  gobject_class->finalize = gst_ertmp_server_finalize;

  g_object_class_install_property (gobject_class, PROP_BOUND_PORT,
      g_param_spec_int ("bound-port", "Bound port",
          "The TCP port the server listens on", 0, 65535, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_CLAIM_TIMEOUT,
      g_param_spec_uint ("claim-timeout", "Claim timeout",
          "Seconds a publisher held by publisher-unknown waits for an "
          "rtmpingestsrc with its application and key before it is dropped",
          1, 3600, DEFAULT_CLAIM_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Server statistics (rtmp-server-stats): connections by state "
          "(playing: players of play-out elements), refusals and drops by "
          "reason, bytes, publishers, routes and play-routes",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstErtmpServer::publisher-unknown:
   * @server: the server
   * @app: the application the publisher connected to (with any ?query)
   * @key: the stream key it publishes (the name without its ?query)
   * @address: its address ("ip:port")
   *
   * A publisher asked for an application and key that no element serves.
   * Emitted from the server's I/O thread: do not block.  Return %TRUE to
   * hold its publish, unanswered (so it sends no media yet), until an
   * `rtmpingestsrc` for that application and key starts on this server
   * within #GstErtmpServer:claim-timeout; %FALSE (or no handler) refuses
   * it (bad-key).
   */
  signals[SIGNAL_PUBLISHER_UNKNOWN] = g_signal_new ("publisher-unknown",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_first_wins, NULL, NULL, G_TYPE_BOOLEAN, 3,
      G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstErtmpServer::drain:
   * @server: the server
   * @tc_url: where publishers should go (NULL: the URL they used)
   * @description: told to the publishers
   *
   * Action: stops accepting connections (the listening socket closes, so a
   * load balancer sends newcomers elsewhere) and sends every publisher the
   * E-RTMP Reconnect Request.  Returns how many publishers were told.
   */
  signals[SIGNAL_DRAIN] = g_signal_new_class_handler ("drain",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_ertmp_server_drain), NULL, NULL, NULL, G_TYPE_UINT, 2,
      G_TYPE_STRING, G_TYPE_STRING);

  GST_DEBUG_CATEGORY_INIT (gst_ertmp_server_debug, "ertmpserver", 0,
      "shared RTMP server");
}
