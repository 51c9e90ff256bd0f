#ifndef WPAR_UUID_H
#define WPAR_UUID_H

/* A new random (version 4) UUID in its 36-character text form. */
char *wpar_uuid_new(void);

#endif
