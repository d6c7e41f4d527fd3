/* proto/value.c: placeholder, being written. */
