/* gst-ertmp: rtmppushsink's tls-validation-flags, one flag at a time
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * openssl makes a test CA (given to the sink as its tls-database) and one
 * server certificate per problem: self-signed (unknown CA), issued for
 * another host name, expired, not valid yet.  rtmpingestsrc serves RTMPS
 * with each on 127.0.0.1.  For every problem:
 *  - the default flags refuse it, the error naming the problem;
 *  - clearing that flag alone accepts it (the stream publishes to EOS);
 *  - clearing another flag still refuses it.
 * GLib 2.72+ backends report only "unknown CA" for an untrusted chain, so
 * the second case of an unknown CA also proves the sink looks at the
 * dates and the host name itself.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <gst/check/gstcheck.h>

#include "ertmp_peer.h"
#include "test_push_common.h"

typedef struct
{
  const gchar *name;
  GTlsCertificateFlags flag;    /* the problem */
  GTlsCertificateFlags other;   /* a flag the certificate does not raise */
  const gchar *text;            /* in the refusal */
} Problem;

static const Problem problems[] = {
  {"self-signed", G_TLS_CERTIFICATE_UNKNOWN_CA, G_TLS_CERTIFICATE_EXPIRED,
      "unknown certificate authority"},
  {"other-host", G_TLS_CERTIFICATE_BAD_IDENTITY, G_TLS_CERTIFICATE_UNKNOWN_CA,
      "issued for another host name"},
  {"expired", G_TLS_CERTIFICATE_EXPIRED, G_TLS_CERTIFICATE_UNKNOWN_CA,
      "expired"},
  {"future", G_TLS_CERTIFICATE_NOT_ACTIVATED, G_TLS_CERTIFICATE_UNKNOWN_CA,
      "not valid yet"},
};

static const gchar ca_config[] =
    "[ca]\ndefault_ca = test\n"
    "[test]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\n"
    "serial = serial\ndefault_md = sha256\npolicy = any\n"
    "unique_subject = no\n"
    "[any]\ncommonName = supplied\n"
    "[ip]\nbasicConstraints = CA:FALSE\nsubjectAltName = IP:127.0.0.1\n"
    "[dns]\nbasicConstraints = CA:FALSE\n"
    "subjectAltName = DNS:other.example\n";

static void
write_file (const gchar * dir, const gchar * name, const gchar * text)
{
  gchar *path = g_build_filename (dir, name, NULL);

  fail_unless (g_file_set_contents (path, text, -1, NULL), "%s", path);
  g_free (path);
}

/* The test CA and a key + request for the server certificates */
static void
make_ca (const gchar * dir)
{
  const gchar *ca[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048",
    "-nodes", "-days", "30", "-subj", "/CN=gst-ertmp test CA", "-keyout",
    "ca.key", "-out", "ca.pem", NULL
  };
  const gchar *req[] = { "openssl", "req", "-new", "-newkey", "rsa:2048",
    "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out",
    "server.csr", NULL
  };

  write_file (dir, "ca.cnf", ca_config);
  write_file (dir, "index.txt", "");
  write_file (dir, "serial", "01\n");
  test_run_tool (ca, dir);
  test_run_tool (req, dir);
}

/* The server certificate "@name.pem": signed by the test CA or by its own
 * key, for 127.0.0.1 or another host name, valid now, in the past or in
 * the future */
static void
make_certificate (const gchar * dir, const gchar * name, gboolean self,
    gboolean other_host, GTlsCertificateFlags dates)
{
  gchar *out = g_strdup_printf ("%s.pem", name);
  const gchar *argv[] = { "openssl", "ca", "-batch", "-config", "ca.cnf",
    "-in", "server.csr", "-out", out, "-extensions", other_host ? "dns" : "ip",
    "-startdate", dates == G_TLS_CERTIFICATE_NOT_ACTIVATED ?
        "20990101000000Z" : dates == G_TLS_CERTIFICATE_EXPIRED ?
        "20200101000000Z" : "20250101000000Z",
    "-enddate", dates == G_TLS_CERTIFICATE_NOT_ACTIVATED ?
        "20990102000000Z" : dates == G_TLS_CERTIFICATE_EXPIRED ?
        "20200102000000Z" : "20990101000000Z",
    self ? "-selfsign" : "-cert", self ? "-keyfile" : "ca.pem",
    self ? "server.key" : "-keyfile", self ? NULL : "ca.key", NULL
  };

  test_run_tool (argv, dir);
  g_free (out);
}

static void
make_problem (const gchar * dir, const Problem * p)
{
  make_certificate (dir, p->name, p->flag == G_TLS_CERTIFICATE_UNKNOWN_CA,
      p->flag == G_TLS_CERTIFICATE_BAD_IDENTITY, p->flag);
}

/* Publishes over RTMPS to a server with @p's certificate, the sink
 * checking @flags: TRUE when the stream went through, FALSE when the sink
 * refused the server (the error in *@error) */
static gboolean
publish (const gchar * dir, const gchar * name, GTlsCertificateFlags flags,
    gchar ** error)
{
  gchar *props = g_strdup_printf ("tls-certificate-file=\"%s/%s.pem\" "
      "tls-key-file=\"%s/server.key\" keep-listening=false", dir, name,
      dir);
  Receiver *r = receiver_new (0, props);
  gchar *location = g_strdup_printf ("rtmps://127.0.0.1:%d/live/key",
      receiver_port (r));
  gchar *ca = g_build_filename (dir, "ca.pem", NULL);
  GTlsDatabase *db;
  GError *err = NULL;
  Publisher *pub = publisher_create (FALSE, 1, "");
  GstMessage *msg;
  gboolean ok;

  db = g_tls_file_database_new (ca, &err);
  fail_unless (db != NULL, "%s: %s", ca, err ? err->message : "?");
  g_object_set (pub->sink, "location", location, "tls-database", db,
      "tls-validation-flags", flags, NULL);
  publisher_start (pub);
  msg = bus_wait (pub->pipeline, pub->log, GST_MESSAGE_EOS |
      GST_MESSAGE_ERROR, NULL, WAIT_TIMEOUT);
  fail_unless (msg != NULL, "%s: neither EOS nor an error", name);
  ok = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  *error = ok ? NULL : ertmp_peer_describe_message (msg);
  if (ok) {
    receiver_wait_eos (r, WAIT_TIMEOUT, name);
    fail_unless_equals_int (r->sessions->len, 1);
  }
  publisher_free (pub);
  receiver_free (r);
  g_object_unref (db);
  g_free (ca);
  g_free (location);
  g_free (props);
  return ok;
}

GST_START_TEST (test_validation_flag)
{
  const Problem *p = &problems[__i__];
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *error = NULL;

  make_ca (dir);
  make_problem (dir, p);

  fail_if (publish (dir, p->name, G_TLS_CERTIFICATE_VALIDATE_ALL, &error),
      "%s: accepted with every check", p->name);
  g_print ("%s, default flags: %s\n", p->name, error);
  fail_unless (strstr (error, p->text) != NULL, "%s: \"%s\" not in %s",
      p->name, p->text, error);
  g_clear_pointer (&error, g_free);

  fail_unless (publish (dir, p->name, G_TLS_CERTIFICATE_VALIDATE_ALL & ~p->flag,
          &error), "%s: refused without its flag: %s", p->name, error);

  fail_if (publish (dir, p->name, G_TLS_CERTIFICATE_VALIDATE_ALL & ~p->other,
          &error), "%s: accepted without another flag", p->name);
  fail_unless (strstr (error, p->text) != NULL, "%s: \"%s\" not in %s",
      p->name, p->text, error);
  g_clear_pointer (&error, g_free);

  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

/* A self-signed certificate with a second problem: GLib's backend reports
 * only the unknown CA, so clearing that flag alone must not let the other
 * problem through */
static const Problem second_problems[] = {
  {"self-signed-expired", G_TLS_CERTIFICATE_EXPIRED, 0, "expired"},
  {"self-signed-other-host", G_TLS_CERTIFICATE_BAD_IDENTITY, 0,
      "issued for another host name"},
};

GST_START_TEST (test_unknown_ca_and_more)
{
  const Problem *p = &second_problems[__i__];
  const GTlsCertificateFlags all = G_TLS_CERTIFICATE_VALIDATE_ALL;
  gchar *dir = ertmp_peer_tmpdir ();
  gchar *error = NULL;

  make_ca (dir);
  make_certificate (dir, p->name, TRUE,
      p->flag == G_TLS_CERTIFICATE_BAD_IDENTITY, p->flag);

  fail_if (publish (dir, p->name, all, &error), "%s: accepted", p->name);
  g_print ("%s, default flags: %s\n", p->name, error);
  fail_unless (strstr (error, "unknown certificate authority") != NULL
      && strstr (error, p->text) != NULL, "%s: %s", p->name, error);
  g_clear_pointer (&error, g_free);

  fail_if (publish (dir, p->name, all & ~G_TLS_CERTIFICATE_UNKNOWN_CA,
          &error), "%s: accepted with unknown-ca cleared", p->name);
  fail_unless (strstr (error, p->text) != NULL, "%s: \"%s\" not in %s",
      p->name, p->text, error);
  /* the error names what refused it, not what was allowed */
  fail_if (strstr (error, "unknown certificate authority") != NULL,
      "%s: %s", p->name, error);
  g_clear_pointer (&error, g_free);

  fail_unless (publish (dir, p->name, all & ~(G_TLS_CERTIFICATE_UNKNOWN_CA |
              p->flag), &error), "%s: refused: %s", p->name, error);

  ertmp_peer_rmdir (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
push_tls_suite (void)
{
  Suite *s = suite_create ("push_tls");
  TCase *tc = tcase_create ("general");

  tcase_add_unchecked_fixture (tc, ertmp_peer_scratch_setup,
      ertmp_peer_scratch_teardown);
  tcase_add_checked_fixture (tc, NULL, ertmp_peer_stop_all);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_validation_flag, 0, G_N_ELEMENTS (problems));
  tcase_add_loop_test (tc, test_unknown_ca_and_more, 0,
      G_N_ELEMENTS (second_problems));
  return s;
}

GST_CHECK_MAIN (push_tls);
