/* gst-ertmp: the one result type of the protocol core
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef ERTMP_RESULT_H
#define ERTMP_RESULT_H

#include <glib.h>

G_BEGIN_DECLS

/* Every core function that can fail returns one of these.  NEED_MORE is not
 * an error: the caller feeds more bytes and calls again, and a stateless
 * decoder that returned it has changed no state. */
typedef enum
{
  ERTMP_OK = 0,
  ERTMP_NEED_MORE,              /* input ends before the item does */
  ERTMP_MALFORMED,              /* the peer's bytes break the format */
  ERTMP_UNSUPPORTED,            /* valid, but a feature we refuse (RTMPE...) */
  ERTMP_LIMIT,                  /* a named limit (ertmp_limits.h) was hit */
  ERTMP_STATE,                  /* call not valid in the current state */
} ertmp_result;

const gchar *ertmp_result_name (ertmp_result res);

G_END_DECLS

#endif /* ERTMP_RESULT_H */
