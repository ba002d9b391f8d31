/* Kernel strings are bytes; proto3 strings (and JSON) must be UTF-8. */
#ifndef RINGTAP_UTF8_H
#define RINGTAP_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* Copy n bytes of src to dst as a NUL-terminated UTF-8 string, each byte
 * that does not belong to a valid sequence replaced by U+FFFD. dst needs
 * 3 * n + 1 bytes. Returns the bytes written (without the NUL). */
size_t utf8_copy_sanitized(char *dst, const char *src, size_t n);

/* 1 if the NUL-terminated s is valid UTF-8. */
int utf8_valid(const char *s);

#endif
