/* Confluent Schema Registry wire format for protobuf values:
 *
 *   byte 0      magic, always 0
 *   bytes 1..4  schema id, big-endian int32
 *   then        message-index array: which message of the registered .proto
 *               the value is. [0] (the file's first top-level message) is the
 *               single byte 0; any other path is the zigzag varint count,
 *               then each index as a zigzag varint (outermost first).
 *   then        the protobuf-encoded message
 *
 * The index path is computed from the message's protobuf-c descriptor (its
 * qualified name) and the declaration order of the .proto text that was
 * registered, so moving a message in the file moves its index with it.
 */
#ifndef RINGTAP_SINK_KAFKA_REGISTRY_FRAME_H
#define RINGTAP_SINK_KAFKA_REGISTRY_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>

/* Magic byte + id + the longest index array we accept. */
#define SINK_KAFKA_FRAME_MAX_DEPTH 8
#define SINK_KAFKA_FRAME_MAX (1 + 4 + 5 * (SINK_KAFKA_FRAME_MAX_DEPTH + 1))

/* Indexes of desc's message in proto_text: idx[0] among the top-level
 * messages, idx[1] among those nested in it, ... Returns the depth (>= 1),
 * -ENOENT when the text declares no such message, -EINVAL when desc's name
 * is not in its package, -E2BIG past SINK_KAFKA_FRAME_MAX_DEPTH. */
int sink_kafka_frame_message_path(const char *proto_text, const ProtobufCMessageDescriptor *desc,
				  int32_t idx[SINK_KAFKA_FRAME_MAX_DEPTH]);

/* Write the frame header (magic, id, index array) into out; returns its
 * length. depth >= 1. */
size_t sink_kafka_frame_header(int32_t schema_id, const int32_t *idx, int depth,
			       uint8_t out[SINK_KAFKA_FRAME_MAX]);

#endif
