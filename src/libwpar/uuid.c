#include "uuid.h"

#include <uuid/uuid.h>

#include "util.h"

char *wpar_uuid_new(void)
{
	uuid_t u;
	char text[37];
	uuid_generate_random(u);
	uuid_unparse_lower(u, text);
	return xstrdup(text);
}
