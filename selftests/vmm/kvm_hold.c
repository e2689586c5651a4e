// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold: keep one idle KVM VM open until killed.
 *
 * The rig's nested-VMM jobs run it for their whole duration.  While at
 * least one VM exists, the kernel's preempt-notifier static key stays on,
 * so nested guests coming and going no longer patch the scheduler's text
 * through a temporary int3: under multi-threaded TCG a vCPU has executed
 * such an int3 after it was removed (stale translated code), and died.
 * The VM has no memory and no vCPU; it costs a file descriptor.
 *
 * Prints "kvm_hold: holding VM fd N" once it holds one; exits 1 with why
 * when it cannot (no /dev/kvm: nothing to hold, nothing patched either).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_CREATE_VM_IOCTL	0xae01	/* _IO(KVMIO, 0x01) */

int main(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm_hold: /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM_IOCTL, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm_hold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	printf("kvm_hold: holding VM fd %d\n", vm);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}
