#include <linux/module.h>
#include <linux/export-internal.h>
#include <linux/compiler.h>

MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};



static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0xa5fc3dd4, "vfm_pci_err_handlers" },
	{ 0xc48a4753, "pci_unregister_driver" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0xfa3ff85e, "vfm_unregister_vf" },
	{ 0x89a2830e, "vfm_register_vf" },
	{ 0xf2895e6a, "__pci_register_driver" },
	{ 0x2f9b2b9a, "module_layout" },
};

MODULE_INFO(depends, "vf_mdev");

MODULE_ALIAS("vfio_pci:v00008086d000010CAsv*sd*bc*sc*i*");
MODULE_ALIAS("vfio_pci:v00008086d00001520sv*sd*bc*sc*i*");
