/* gst-ertmp: tests for RTMP URL parsing and tcUrl resolution
 * (rtmp.md 1, ertmp.md 10, RFC 3986 5.4)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_util.h"
#include "ertmp_url.h"

typedef struct
{
  const gchar *uri;
  gboolean tls;
  const gchar *host;
  guint port;
  gboolean port_explicit;
  const gchar *app;
  const gchar *stream;
  const gchar *tc_url;
  const gchar *to_string;       /* what ertmp_url_to_string gives */
} parse_case;

static const parse_case parse_cases[] = {
  /* FFmpeg's capture URL (test-vectors.md 3.1) plus a stream key */
  {"rtmp://127.0.0.1:19350/live/key", FALSE, "127.0.0.1", 19350, TRUE,
      "live", "key", "rtmp://127.0.0.1:19350/live", NULL},
  /* OBS "server" alone: no stream */
  {"rtmp://example.com/live", FALSE, "example.com", 1935, FALSE,
      "live", "", "rtmp://example.com/live", NULL},
  /* rtmps defaults to 443 (FFmpeg) */
  {"rtmps://live-api-s.facebook.com/rtmp/FB-1-2", TRUE,
        "live-api-s.facebook.com", 443, FALSE, "rtmp", "FB-1-2",
      "rtmps://live-api-s.facebook.com/rtmp", NULL},
  {"rtmps://h:1936/app/key", TRUE, "h", 1936, TRUE, "app", "key",
      "rtmps://h:1936/app", NULL},
  /* a second "/": the first two elements are the app */
  {"rtmp://h/live/inst/key", FALSE, "h", 1935, FALSE, "live/inst", "key",
      "rtmp://h/live/inst", NULL},
  {"rtmp://h/live/a/b/c", FALSE, "h", 1935, FALSE, "live/a", "b/c",
      "rtmp://h/live/a", NULL},
  {"rtmp://h/live/inst/", FALSE, "h", 1935, FALSE, "live/inst", "",
      "rtmp://h/live/inst", NULL},
  /* ...unless a ":" comes before that second "/" */
  {"rtmp://h/vod/mp4:dir/file.mp4", FALSE, "h", 1935, FALSE, "vod",
      "mp4:dir/file.mp4", "rtmp://h/vod", NULL},
  /* ondemand is special-cased: one-element app */
  {"rtmp://h/ondemand/a/b", FALSE, "h", 1935, FALSE, "ondemand", "a/b",
      "rtmp://h/ondemand", NULL},
  /* the query stays with the stream name, slashes and all */
  {"rtmp://h/live/key?token=abc&x=1", FALSE, "h", 1935, FALSE, "live",
      "key?token=abc&x=1", "rtmp://h/live", NULL},
  {"rtmp://h/live/key?token=a/b", FALSE, "h", 1935, FALSE, "live",
      "key?token=a/b", "rtmp://h/live", NULL},
  /* ...or with the app when there is no stream */
  {"rtmp://h/live?token=x", FALSE, "h", 1935, FALSE, "live?token=x", "",
      "rtmp://h/live?token=x", NULL},
  {"rtmp://h/live?token=a/b", FALSE, "h", 1935, FALSE, "live?token=a/b", "",
      "rtmp://h/live?token=a/b", NULL},
  /* IPv6 literals */
  {"rtmp://[::1]:1935/live/key", FALSE, "::1", 1935, TRUE, "live", "key",
      "rtmp://[::1]:1935/live", NULL},
  {"rtmps://[2001:db8::1]/app/s", TRUE, "2001:db8::1", 443, FALSE, "app",
      "s", "rtmps://[2001:db8::1]/app", NULL},
  /* scheme is case-insensitive; the rest is kept as written */
  {"RTMP://Host/App/Key", FALSE, "Host", 1935, FALSE, "App", "Key",
      "rtmp://Host/App", "rtmp://Host/App/Key"},
  /* no path at all: empty app */
  {"rtmp://h", FALSE, "h", 1935, FALSE, "", "", "rtmp://h/", "rtmp://h/"},
  {"rtmp://h/", FALSE, "h", 1935, FALSE, "", "", "rtmp://h/", NULL},
  /* empty port = the default (RFC 3986 3.2.3) */
  {"rtmp://h:/live/k", FALSE, "h", 1935, FALSE, "live", "k",
      "rtmp://h/live", "rtmp://h/live/k"},
  /* userinfo is ignored */
  {"rtmp://user:pw@h:1940/live/k", FALSE, "h", 1940, TRUE, "live", "k",
      "rtmp://h:1940/live", "rtmp://h:1940/live/k"},
  /* port 0 (a server binding any port) and 65535 */
  {"rtmp://0.0.0.0:0/live/k", FALSE, "0.0.0.0", 0, TRUE, "live", "k",
      "rtmp://0.0.0.0:0/live", NULL},
  {"rtmp://h:65535/a", FALSE, "h", 65535, TRUE, "a", "",
      "rtmp://h:65535/a", NULL},
};

static void
check_url (const ertmp_url * url, const parse_case * c)
{
  ck_assert_msg (url->tls == c->tls, "%s: tls", c->uri);
  ck_assert_str_eq (url->host, c->host);
  ck_assert_uint_eq (url->port, c->port);
  ck_assert_msg (url->port_explicit == c->port_explicit, "%s: explicit",
      c->uri);
  ck_assert_str_eq (url->app, c->app);
  ck_assert_str_eq (url->stream, c->stream);
  ck_assert_str_eq (url->tc_url, c->tc_url);
}

START_TEST (test_parse)
{
  const parse_case *c = &parse_cases[_i];
  ertmp_url url, again;
  gchar *s;

  ck_assert_int_eq (ertmp_url_parse (c->uri, &url), ERTMP_OK);
  check_url (&url, c);

  /* to_string gives the URL back, and parses to the same fields */
  s = ertmp_url_to_string (&url);
  ck_assert_str_eq (s, c->to_string ? c->to_string : c->uri);
  ck_assert_int_eq (ertmp_url_parse (s, &again), ERTMP_OK);
  check_url (&again, c);

  g_free (s);
  ertmp_url_clear (&url);
  ertmp_url_clear (&again);
  ck_assert_ptr_null (url.host);
}
END_TEST

START_TEST (test_parse_errors)
{
  static const gchar *bad[] = {
    "",
    "live/key",                 /* no scheme */
    "http://h/live/key",        /* another scheme */
    "rtmpt://h/live/key",       /* RTMPT is out of scope */
    "rtmpe://h/live/key",       /* so is RTMPE */
    "rtmp:/h/live",             /* no authority */
    "rtmp://",                  /* no host */
    "rtmp:///live/key",
    "rtmp://:1935/live",
    "rtmp://user@/live",
    "rtmp://h:abc/live",        /* bad ports */
    "rtmp://h:65536/live",
    "rtmp://h:1935x/live",
    "rtmp://h:-1/live",
    "rtmp://h:99999999999999999999/live",
    "rtmp://[::1/live",         /* bad IPv6 literals */
    "rtmp://[]/live",
    "rtmp://[::1]x/live",
    "rtmp://::1/live",          /* IPv6 without brackets */
    "rtmp://h a/live",          /* space in the host */
    "rtmp://h\t/live",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    ertmp_url url;

    ck_assert_msg (ertmp_url_parse (bad[i], &url) == ERTMP_MALFORMED,
        "accepted \"%s\"", bad[i]);
    ck_assert_ptr_null (url.host);
    ck_assert_ptr_null (url.app);
    ck_assert_ptr_null (url.tc_url);
    ertmp_url_clear (&url);
  }
}
END_TEST

START_TEST (test_to_string_built)
{
  ertmp_url url = { 0, };
  gchar *s;

  url.tls = TRUE;
  url.host = (gchar *) "fe80::1";
  url.port = 8443;
  url.port_explicit = TRUE;
  url.app = (gchar *) "live";
  url.stream = (gchar *) "k?a=b";
  s = ertmp_url_to_string (&url);
  ck_assert_str_eq (s, "rtmps://[fe80::1]:8443/live/k?a=b");
  g_free (s);

  url.stream = NULL;
  url.port_explicit = FALSE;
  s = ertmp_url_to_string (&url);
  ck_assert_str_eq (s, "rtmps://[fe80::1]/live");
  g_free (s);
}
END_TEST

typedef struct
{
  const gchar *reference;
  const gchar *expect;          /* NULL = unusable */
} resolve_case;

static void
check_resolve (const gchar * base, const resolve_case * cases, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    gchar *got = ertmp_url_resolve (base, cases[i].reference);

    if (cases[i].expect)
      ck_assert_msg (g_strcmp0 (got, cases[i].expect) == 0,
          "\"%s\" resolved to \"%s\", not \"%s\"", cases[i].reference,
          got ? got : "(null)", cases[i].expect);
    else
      ck_assert_msg (got == NULL, "\"%s\" resolved to \"%s\"",
          cases[i].reference, got);
    g_free (got);
  }
}

/* ertmp.md 10: the example table, base rtmp://a.example.com:1935/live/inst,
 * with the four reference shapes the spec names */
START_TEST (test_resolve_ertmp_table)
{
  static const resolve_case cases[] = {
    /* absolute URI: as given */
    {"rtmp://foo.mydomain.com:1935/realtimeapp",
        "rtmp://foo.mydomain.com:1935/realtimeapp"},
    {"rtmp://127.0.0.1/realtimeapp", "rtmp://127.0.0.1/realtimeapp"},
    /* network-path: scheme kept, authority replaced */
    {"//192.0.2.0/realtimeapp", "rtmp://192.0.2.0/realtimeapp"},
    /* absolute-path */
    {"/realtimeapp", "rtmp://a.example.com:1935/realtimeapp"},
    /* relative-path: merge, replacing the last segment */
    {"realtimeapp", "rtmp://a.example.com:1935/live/realtimeapp"},
    /* a scheme change to TLS is allowed */
    {"rtmps://b.example.com/live", "rtmps://b.example.com/live"},
    /* test-vectors.md 3.9's tcUrl */
    {"rtmp://b.example.com/live", "rtmp://b.example.com/live"},
  };
  ertmp_url url;
  gchar *s;

  check_resolve ("rtmp://a.example.com:1935/live/inst", cases,
      G_N_ELEMENTS (cases));

  /* the network-path result gets the default port */
  s = ertmp_url_resolve ("rtmp://a.example.com:1935/live/inst",
      "//192.0.2.0/realtimeapp");
  ck_assert_int_eq (ertmp_url_parse (s, &url), ERTMP_OK);
  ck_assert_str_eq (url.host, "192.0.2.0");
  ck_assert_uint_eq (url.port, 1935);
  ck_assert (!url.port_explicit);
  ck_assert_str_eq (url.app, "realtimeapp");
  ertmp_url_clear (&url);
  g_free (s);

  /* the TLS target */
  s = ertmp_url_resolve ("rtmp://a.example.com:1935/live/inst",
      "rtmps://b.example.com/live");
  ck_assert_int_eq (ertmp_url_parse (s, &url), ERTMP_OK);
  ck_assert (url.tls);
  ck_assert_uint_eq (url.port, 443);
  ertmp_url_clear (&url);
  g_free (s);
}
END_TEST

/* RFC 3986 5.4.1, with the base's scheme "http" changed to "rtmp" */
START_TEST (test_resolve_rfc3986_normal)
{
  static const resolve_case cases[] = {
    {"g:h", NULL},              /* "g:h": absolute, but not an rtmp URL */
    {"g", "rtmp://a/b/c/g"},
    {"./g", "rtmp://a/b/c/g"},
    {"g/", "rtmp://a/b/c/g/"},
    {"/g", "rtmp://a/g"},
    {"//g", "rtmp://g"},
    {"?y", "rtmp://a/b/c/d;p?y"},
    {"g?y", "rtmp://a/b/c/g?y"},
    {"#s", "rtmp://a/b/c/d;p?q#s"},
    {"g#s", "rtmp://a/b/c/g#s"},
    {"g?y#s", "rtmp://a/b/c/g?y#s"},
    {";x", "rtmp://a/b/c/;x"},
    {"g;x", "rtmp://a/b/c/g;x"},
    {"g;x?y#s", "rtmp://a/b/c/g;x?y#s"},
    {"", "rtmp://a/b/c/d;p?q"},
    {".", "rtmp://a/b/c/"},
    {"./", "rtmp://a/b/c/"},
    {"..", "rtmp://a/b/"},
    {"../", "rtmp://a/b/"},
    {"../g", "rtmp://a/b/g"},
    {"../..", "rtmp://a/"},
    {"../../", "rtmp://a/"},
    {"../../g", "rtmp://a/g"},
  };

  check_resolve ("rtmp://a/b/c/d;p?q", cases, G_N_ELEMENTS (cases));
}
END_TEST

/* RFC 3986 5.4.2, same base */
START_TEST (test_resolve_rfc3986_abnormal)
{
  static const resolve_case cases[] = {
    {"../../../g", "rtmp://a/g"},
    {"../../../../g", "rtmp://a/g"},
    {"/./g", "rtmp://a/g"},
    {"/../g", "rtmp://a/g"},
    {"g.", "rtmp://a/b/c/g."},
    {".g", "rtmp://a/b/c/.g"},
    {"g..", "rtmp://a/b/c/g.."},
    {"..g", "rtmp://a/b/c/..g"},
    {"./../g", "rtmp://a/b/g"},
    {"./g/.", "rtmp://a/b/c/g/"},
    {"g/./h", "rtmp://a/b/c/g/h"},
    {"g/../h", "rtmp://a/b/c/h"},
    {"g;x=1/./y", "rtmp://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "rtmp://a/b/c/y"},
    {"g?y/./x", "rtmp://a/b/c/g?y/./x"},
    {"g?y/../x", "rtmp://a/b/c/g?y/../x"},
    {"g#s/./x", "rtmp://a/b/c/g#s/./x"},
    {"g#s/../x", "rtmp://a/b/c/g#s/../x"},
    /* strict parser: "rtmp:g" is "rtmp:" + path "g", with no host */
    {"rtmp:g", NULL},
  };

  check_resolve ("rtmp://a/b/c/d;p?q", cases, G_N_ELEMENTS (cases));
}
END_TEST

START_TEST (test_resolve_misc)
{
  static const resolve_case with_query[] = {
    /* the base's query does not survive a new path */
    {"other", "rtmp://h/other"},
    {"other?k=2", "rtmp://h/other?k=2"},
    {"", "rtmp://h/live?tok=1"},
  };
  static const resolve_case bad_refs[] = {
    {"http://b.example.com/live", NULL},        /* not rtmp */
    {"1bad:x", NULL},           /* not a scheme */
    {"//:1935/live", NULL},     /* no host */
    {"//h:99999/live", NULL},   /* bad port */
  };
  gchar *s;

  check_resolve ("rtmp://h/live?tok=1", with_query,
      G_N_ELEMENTS (with_query));
  check_resolve ("rtmp://a.example.com/live/inst", bad_refs,
      G_N_ELEMENTS (bad_refs));

  /* the base's fragment is dropped */
  s = ertmp_url_resolve ("rtmp://a/b#f", "");
  ck_assert_str_eq (s, "rtmp://a/b");
  g_free (s);
  /* a base with no path: merge adds the "/" */
  s = ertmp_url_resolve ("rtmp://a", "live");
  ck_assert_str_eq (s, "rtmp://a/live");
  g_free (s);
  /* IPv6 authority kept */
  s = ertmp_url_resolve ("rtmp://[::1]:1936/live/inst", "other");
  ck_assert_str_eq (s, "rtmp://[::1]:1936/live/other");
  g_free (s);

  /* an unusable base: relative, or not a URI */
  ck_assert_ptr_null (ertmp_url_resolve ("live/inst", "rtmp://h/live"));
  ck_assert_ptr_null (ertmp_url_resolve ("", "/live"));
  ck_assert_ptr_null (ertmp_url_resolve ("9x:/a", "/live"));
}
END_TEST

/* librtmp's options after the URL (librtmp(3)) */
START_TEST (test_split_options)
{
  GPtrArray *opts;
  gchar *url, *msg;

  ck_assert_int_eq (ertmp_url_split_options ("rtmp://h/app/key live=1  "
          "timeout=10 flashVer=FMLE/3.0\\20(compatible)", &url, &opts, &msg),
      ERTMP_OK);
  ck_assert_str_eq (url, "rtmp://h/app/key");
  ck_assert_ptr_null (msg);
  ck_assert_uint_eq (opts->len, 6);
  ck_assert_str_eq (g_ptr_array_index (opts, 0), "live");
  ck_assert_str_eq (g_ptr_array_index (opts, 1), "1");
  ck_assert_str_eq (g_ptr_array_index (opts, 2), "timeout");
  ck_assert_str_eq (g_ptr_array_index (opts, 3), "10");
  ck_assert_str_eq (g_ptr_array_index (opts, 4), "flashVer");
  ck_assert_str_eq (g_ptr_array_index (opts, 5), "FMLE/3.0 (compatible)");
  g_free (url);
  g_ptr_array_unref (opts);

  ck_assert_int_eq (ertmp_url_split_options ("rtmp://h/app/key", &url, &opts,
          &msg), ERTMP_OK);
  ck_assert_str_eq (url, "rtmp://h/app/key");
  ck_assert_uint_eq (opts->len, 0);
  g_free (url);
  g_ptr_array_unref (opts);

  ck_assert_int_eq (ertmp_url_split_options ("rtmp://h/a/k live", &url,
          &opts, &msg), ERTMP_MALFORMED);
  ck_assert_str_eq (msg, "option \"live\" is not name=value");
  ck_assert_ptr_null (url);
  ck_assert_ptr_null (opts);
  g_free (msg);
  ck_assert_int_eq (ertmp_url_split_options ("rtmp://h/a/k app=a\\2", &url,
          &opts, &msg), ERTMP_MALFORMED);
  ck_assert_str_eq (msg, "option \"app\": bad \\XX escape in its value");
  g_free (msg);
}

END_TEST;

static Suite *
url_suite (void)
{
  Suite *s = suite_create ("url");
  TCase *tc = tcase_create ("parse");

  tcase_add_loop_test (tc, test_parse, 0, G_N_ELEMENTS (parse_cases));
  tcase_add_test (tc, test_parse_errors);
  tcase_add_test (tc, test_to_string_built);
  tcase_add_test (tc, test_split_options);
  suite_add_tcase (s, tc);

  tc = tcase_create ("resolve");
  tcase_add_test (tc, test_resolve_ertmp_table);
  tcase_add_test (tc, test_resolve_rfc3986_normal);
  tcase_add_test (tc, test_resolve_rfc3986_abnormal);
  tcase_add_test (tc, test_resolve_misc);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return test_run_suite (url_suite ());
}
