/* proto/payload.c: placeholder, being written. */
