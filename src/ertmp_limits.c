/* gst-ertmp: limits of the protocol core
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ertmp_limits.h"

void
ertmp_limits_init (ertmp_limits * limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_message_size = ERTMP_LIMIT_DEFAULT_MAX_MESSAGE_SIZE;
  limits->max_chunk_streams = ERTMP_LIMIT_DEFAULT_MAX_CHUNK_STREAMS;
  limits->max_reassembly_bytes = ERTMP_LIMIT_DEFAULT_MAX_REASSEMBLY_BYTES;
  limits->amf_max_depth = ERTMP_LIMIT_DEFAULT_AMF_MAX_DEPTH;
  limits->amf_max_values = ERTMP_LIMIT_DEFAULT_AMF_MAX_VALUES;
  limits->max_output_bytes = ERTMP_LIMIT_DEFAULT_MAX_OUTPUT_BYTES;
  limits->max_streams = ERTMP_LIMIT_DEFAULT_MAX_STREAMS;
  limits->max_flv_tag_size = ERTMP_LIMIT_DEFAULT_MAX_FLV_TAG_SIZE;
  limits->flv_resync_window = ERTMP_LIMIT_DEFAULT_FLV_RESYNC_WINDOW;
  limits->max_tracks = ERTMP_LIMIT_DEFAULT_MAX_TRACKS;
}

static const struct
{
  const gchar *name;
  const gchar *unit;
} limit_info[] = {
  [ERTMP_LIMIT_NONE] = {"no limit", ""},
  [ERTMP_LIMIT_MAX_MESSAGE_SIZE] = {"maximum message size", "bytes"},
  [ERTMP_LIMIT_MAX_CHUNK_STREAMS] = {"maximum open chunk streams",
      "chunk streams"},
  [ERTMP_LIMIT_MAX_REASSEMBLY_BYTES] = {"maximum bytes in reassembly",
      "bytes"},
  [ERTMP_LIMIT_AMF_MAX_DEPTH] = {"maximum AMF nesting depth", "levels"},
  [ERTMP_LIMIT_AMF_MAX_VALUES] = {"maximum AMF values per message",
      "values"},
  [ERTMP_LIMIT_MAX_OUTPUT_BYTES] = {"maximum unsent output", "bytes"},
  [ERTMP_LIMIT_MAX_STREAMS] = {"maximum streams per connection", "streams"},
  [ERTMP_LIMIT_MAX_FLV_TAG_SIZE] = {"maximum FLV tag size", "bytes"},
  [ERTMP_LIMIT_FLV_RESYNC_WINDOW] = {"FLV resync window", "bytes"},
  [ERTMP_LIMIT_MAX_TRACKS] = {"maximum tracks per media message", "tracks"},
};

guint32
ertmp_limits_get (const ertmp_limits * limits, ertmp_limit_id id)
{
  g_return_val_if_fail (limits != NULL, 0);

  switch (id) {
    case ERTMP_LIMIT_MAX_MESSAGE_SIZE:
      return limits->max_message_size;
    case ERTMP_LIMIT_MAX_CHUNK_STREAMS:
      return limits->max_chunk_streams;
    case ERTMP_LIMIT_MAX_REASSEMBLY_BYTES:
      return limits->max_reassembly_bytes;
    case ERTMP_LIMIT_AMF_MAX_DEPTH:
      return limits->amf_max_depth;
    case ERTMP_LIMIT_AMF_MAX_VALUES:
      return limits->amf_max_values;
    case ERTMP_LIMIT_MAX_OUTPUT_BYTES:
      return limits->max_output_bytes;
    case ERTMP_LIMIT_MAX_STREAMS:
      return limits->max_streams;
    case ERTMP_LIMIT_MAX_FLV_TAG_SIZE:
      return limits->max_flv_tag_size;
    case ERTMP_LIMIT_FLV_RESYNC_WINDOW:
      return limits->flv_resync_window;
    case ERTMP_LIMIT_MAX_TRACKS:
      return limits->max_tracks;
    case ERTMP_LIMIT_NONE:
    case ERTMP_LIMIT_N_IDS:
      break;
  }
  return 0;
}

const gchar *
ertmp_limit_name (ertmp_limit_id id)
{
  if ((guint) id >= G_N_ELEMENTS (limit_info))
    return "unknown limit";
  return limit_info[id].name;
}

const gchar *
ertmp_limit_unit (ertmp_limit_id id)
{
  if ((guint) id >= G_N_ELEMENTS (limit_info))
    return "";
  return limit_info[id].unit;
}

gchar *
ertmp_limits_describe (const ertmp_limits * limits, ertmp_limit_id id)
{
  return g_strdup_printf ("%s is %u %s", ertmp_limit_name (id),
      ertmp_limits_get (limits, id), ertmp_limit_unit (id));
}
