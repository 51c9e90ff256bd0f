/* wpar-monitor: the per-WPAR monitor process (cor_<name>), started by
 * startwpar; not for people to run. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appwpar.h"
#include "monitor.h"

int main(int argc, char **argv)
{
	struct wpar_monitor_opts o = {.status_fd = -1};
	bool app = false;
	/* The init of a checkpointable application WPAR, exec'd inside it
	 * (appinit.c): the command's pid, the status pipe. */
	if (argc == 4 && strcmp(argv[1], "--app-init") == 0)
		wpar_app_reaper_main((pid_t)atoi(argv[2]), atoi(argv[3]));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			o.name = argv[++i];
		else if (strcmp(argv[i], "--status-fd") == 0 && i + 1 < argc)
			o.status_fd = atoi(argv[++i]);
		else if (strcmp(argv[i], "--init") == 0 && i + 1 < argc)
			o.init_path = argv[++i];
		else if (strcmp(argv[i], "--maintenance") == 0)
			o.maintenance = true;
		else if (strcmp(argv[i], "--app") == 0)
			app = true;
		else if (strcmp(argv[i], "--restore") == 0 && i + 1 < argc)
			o.restore_dir = argv[++i];
		else if (strcmp(argv[i], "--restore-log") == 0 && i + 1 < argc)
			o.restore_log = argv[++i];
		else if (strcmp(argv[i], "--restore-debug") == 0)
			o.restore_debug = true;
		else if (strcmp(argv[i], "--paused") == 0)
			o.restore_paused = true;
		else {
			fprintf(stderr, "wpar-monitor: unexpected argument %s\n", argv[i]);
			return 2;
		}
	}
	if (o.name == NULL || o.init_path == NULL) {
		fprintf(stderr, "wpar-monitor: started by startwpar only\n");
		return 2;
	}
	/* A kept application WPAR (wparexec -c -1) that startwpar runs. */
	if (app)
		return wpar_app_monitor_run(o.name, o.status_fd);
	return wpar_monitor_run(&o);
}
