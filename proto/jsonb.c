/* proto/jsonb.c: placeholder, being written. */
