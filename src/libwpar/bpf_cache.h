/* Compiled seccomp programs kept between runs in the run directory,
 * one file per (binary, tag): <rundir>/cache/<tag>-<binary id>.  The
 * binary's identity (device, inode, size, modification time of
 * /proc/self/exe) is part of the name, so a rebuilt or upgraded binary
 * never reads a program an older one compiled from other rules. */
#ifndef WPAR_BPF_CACHE_H
#define WPAR_BPF_CACHE_H
#include <stddef.h>

/* 0 and a malloc'd copy when the cache has it, -1 otherwise. */
int wpar_bpf_cache_get(const char *tag, void **data, size_t *len);
/* Best effort: a cache that cannot be written costs only time. */
void wpar_bpf_cache_put(const char *tag, const void *data, size_t len);

#endif
