/* Defaults and names shared by the parser, compiler and matcher. */
#include <string.h>
#include "policy/policy_model.h"

const char *const policy_event_names[RT_EVENT_MAX] = {
	[RT_EVENT_EXEC] = "exec",
	[RT_EVENT_EXIT] = "exit",
	[RT_EVENT_FORK] = "fork",
	[RT_EVENT_OPEN] = "open",
	[RT_EVENT_CONNECT] = "connect",
	[RT_EVENT_ACCEPT] = "accept",
	[RT_EVENT_UNLINK] = "unlink", [RT_EVENT_RENAME] = "rename", [RT_EVENT_CHMOD] = "chmod",
	[RT_EVENT_CHOWN] = "chown",   [RT_EVENT_LINK] = "link",     [RT_EVENT_MKNOD] = "mknod",
	[RT_EVENT_DNS] = "dns",
	[RT_EVENT_TCP_ESTABLISHED] = "tcp_established",
	[RT_EVENT_TCP_CLOSE] = "tcp_close",
	[RT_EVENT_CRED] = "cred",     [RT_EVENT_PTRACE] = "ptrace", [RT_EVENT_MEMFD] = "memfd",
	[RT_EVENT_MODULE] = "module", [RT_EVENT_MOUNT] = "mount",   [RT_EVENT_NAMESPACE] = "namespace",
	[RT_EVENT_DUP] = "dup",       [RT_EVENT_SIGNAL] = "signal", [RT_EVENT_BPF] = "bpf",
	[RT_EVENT_IO_URING] = "io_uring",
	[RT_EVENT_BIND] = "bind",
	[RT_EVENT_LISTEN] = "listen",
	[RT_EVENT_SOCKET] = "socket",
	[RT_EVENT_UNIX] = "unix_socket",
};

uint32_t policy_all_events_mask(void)
{
	uint32_t mask = 0;

	for (unsigned t = 0; t < RT_EVENT_MAX; t++)
		if (policy_event_names[t])
			mask |= 1u << t;
	return mask;
}

void policy_init_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->event_mask = policy_all_events_mask();
}
