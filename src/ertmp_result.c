/* gst-ertmp: result names
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_result.h"

const gchar *
ertmp_result_name (ertmp_result res)
{
  switch (res) {
    case ERTMP_OK:
      return "ok";
    case ERTMP_NEED_MORE:
      return "need more data";
    case ERTMP_MALFORMED:
      return "malformed";
    case ERTMP_UNSUPPORTED:
      return "unsupported";
    case ERTMP_LIMIT:
      return "limit exceeded";
    case ERTMP_STATE:
      return "invalid state";
  }
  return "unknown result";
}
