/* proto/gtid.c: placeholder, being written. */
