/* gst-ertmp: replays fuzz corpora through a fuzz target as an ordinary test
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: replay_<target> DIR|FILE...  Every file is passed to
 * LLVMFuzzerTestOneInput once whole and once per prefix length step, so
 * that truncations of every seed are exercised too.  Exit status 0 when
 * nothing crashed (crashes abort the process).
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static guint
replay_file (const gchar * path)
{
  gchar *data = NULL;
  gsize len = 0, step, n;
  GError *err = NULL;

  if (!g_file_get_contents (path, &data, &len, &err)) {
    g_printerr ("%s: %s\n", path, err->message);
    g_clear_error (&err);
    return 0;
  }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  /* prefixes: every length for small seeds, ~64 steps for large ones */
  step = MAX (1, len / 64);
  for (n = 0; n < len; n += step)
    LLVMFuzzerTestOneInput ((const uint8_t *) data, n);
  g_free (data);
  return 1;
}

int
main (int argc, char **argv)
{
  guint files = 0;
  int i;

  for (i = 1; i < argc; i++) {
    GDir *dir = g_dir_open (argv[i], 0, NULL);
    const gchar *name;

    if (dir == NULL) {
      files += replay_file (argv[i]);
      continue;
    }
    while ((name = g_dir_read_name (dir)) != NULL) {
      gchar *path = g_build_filename (argv[i], name, NULL);
      files += replay_file (path);
      g_free (path);
    }
    g_dir_close (dir);
  }
  if (files == 0) {
    g_printerr ("no corpus files found\n");
    return 1;
  }
  printf ("replayed %u corpus files\n", files);
  return 0;
}
