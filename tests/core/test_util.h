/* gst-ertmp: helpers shared by the core unit tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_TEST_UTIL_H
#define ERTMP_TEST_UTIL_H

#include <check.h>
#include <glib.h>
#include <string.h>

/* Parses hex digits, ignoring whitespace and anything after '#' on a line,
 * so that vectors can carry a comment per field. */
static inline GByteArray *
test_hex (const gchar * hex)
{
  GByteArray *b = g_byte_array_new ();
  gint hi = -1;
  const gchar *p;

  for (p = hex; *p; p++) {
    gint v;

    if (*p == '#') {
      while (*p && *p != '\n')
        p++;
      if (!*p)
        break;
      continue;
    }
    v = g_ascii_xdigit_value (*p);
    if (v < 0)
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      guint8 byte = (guint8) ((hi << 4) | v);
      g_byte_array_append (b, &byte, 1);
      hi = -1;
    }
  }
  g_assert (hi < 0);
  return b;
}

/* Compares two byte ranges, printing the first difference. */
#define ck_assert_bytes_eq(a, alen, b, blen) \
  G_STMT_START { \
    gsize _al = (alen), _bl = (blen), _k; \
    const guint8 *_a = (const guint8 *) (a), *_b = (const guint8 *) (b); \
    for (_k = 0; _k < MIN (_al, _bl); _k++) \
      if (_a[_k] != _b[_k]) \
        break; \
    ck_assert_msg (_k == _al && _al == _bl, \
        "bytes differ at offset %" G_GSIZE_FORMAT " (lengths %" \
        G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT ")", _k, _al, _bl); \
  } G_STMT_END

/* Runs a suite and returns the process exit status. */
static inline int
test_run_suite (Suite * s)
{
  SRunner *sr = srunner_create (s);
  int failed;

  srunner_run_all (sr, CK_NORMAL);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? 0 : 1;
}

#endif /* ERTMP_TEST_UTIL_H */
