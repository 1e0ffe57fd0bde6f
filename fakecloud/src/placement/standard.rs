//! The names Placement knows without being told: the standard resource classes (os-resource-classes)
//! and the standard traits (a representative part of os-traits, including every trait Nova's libvirt
//! driver reports for an x86 host). Custom names must start with `CUSTOM_`.

/// os-resource-classes' STANDARDS, in its order (the order `GET /resource_classes` lists them).
pub const RESOURCE_CLASSES: &[&str] = &[
    "VCPU",
    "MEMORY_MB",
    "DISK_GB",
    "PCI_DEVICE",
    "SRIOV_NET_VF",
    "NUMA_SOCKET",
    "NUMA_CORE",
    "NUMA_THREAD",
    "NUMA_MEMORY_MB",
    "IPV4_ADDRESS",
    "VGPU",
    "VGPU_DISPLAY_HEAD",
    "NET_BW_EGR_KILOBIT_PER_SEC",
    "NET_BW_IGR_KILOBIT_PER_SEC",
    "PCPU",
    "MEM_ENCRYPTION_CONTEXT",
    "FPGA",
    "PGPU",
    "NET_PACKET_RATE_KILOPACKET_PER_SEC",
    "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
    "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC",
];

/// Standard traits (os-traits), sorted as Placement lists them.
pub const TRAITS: &[&str] = &[
    "COMPUTE_ACCELERATORS",
    "COMPUTE_ADDRESS_SPACE_EMULATED",
    "COMPUTE_ADDRESS_SPACE_PASSTHROUGH",
    "COMPUTE_ARCH_AARCH64",
    "COMPUTE_ARCH_X86_64",
    "COMPUTE_DEVICE_TAGGING",
    "COMPUTE_EPHEMERAL_ENCRYPTION",
    "COMPUTE_GRAPHICS_MODEL_BOCHS",
    "COMPUTE_GRAPHICS_MODEL_CIRRUS",
    "COMPUTE_GRAPHICS_MODEL_NONE",
    "COMPUTE_GRAPHICS_MODEL_QXL",
    "COMPUTE_GRAPHICS_MODEL_VGA",
    "COMPUTE_GRAPHICS_MODEL_VIRTIO",
    "COMPUTE_IMAGE_TYPE_AKI",
    "COMPUTE_IMAGE_TYPE_AMI",
    "COMPUTE_IMAGE_TYPE_ARI",
    "COMPUTE_IMAGE_TYPE_ISO",
    "COMPUTE_IMAGE_TYPE_QCOW2",
    "COMPUTE_IMAGE_TYPE_RAW",
    "COMPUTE_MANAGED_PCI_DEVICE",
    "COMPUTE_NET_ATTACH_INTERFACE",
    "COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG",
    "COMPUTE_NET_VIF_MODEL_E1000",
    "COMPUTE_NET_VIF_MODEL_E1000E",
    "COMPUTE_NET_VIF_MODEL_NE2K_PCI",
    "COMPUTE_NET_VIF_MODEL_PCNET",
    "COMPUTE_NET_VIF_MODEL_RTL8139",
    "COMPUTE_NET_VIF_MODEL_VIRTIO",
    "COMPUTE_NET_VIF_MODEL_VMXNET3",
    "COMPUTE_NODE",
    "COMPUTE_RESCUE_BFV",
    "COMPUTE_SECURITY_STATELESS_FIREWALL",
    "COMPUTE_SECURITY_TPM_1_2",
    "COMPUTE_SECURITY_TPM_2_0",
    "COMPUTE_SOCKET_PCI_NUMA_AFFINITY",
    "COMPUTE_STATUS_DISABLED",
    "COMPUTE_STORAGE_BUS_FDC",
    "COMPUTE_STORAGE_BUS_IDE",
    "COMPUTE_STORAGE_BUS_SATA",
    "COMPUTE_STORAGE_BUS_SCSI",
    "COMPUTE_STORAGE_BUS_USB",
    "COMPUTE_STORAGE_BUS_VIRTIO",
    "COMPUTE_TRUSTED_CERTS",
    "COMPUTE_VIOMMU_MODEL_AUTO",
    "COMPUTE_VIOMMU_MODEL_INTEL",
    "COMPUTE_VIOMMU_MODEL_SMMUV3",
    "COMPUTE_VIOMMU_MODEL_VIRTIO",
    "COMPUTE_VOLUME_ATTACH_WITH_TAG",
    "COMPUTE_VOLUME_EXTEND",
    "COMPUTE_VOLUME_MULTI_ATTACH",
    "HW_ARCH_AARCH64",
    "HW_ARCH_X86_64",
    "HW_CPU_AARCH64_ASIMD",
    "HW_CPU_HYPERTHREADING",
    "HW_CPU_X86_ABM",
    "HW_CPU_X86_AESNI",
    "HW_CPU_X86_AMD_SEV",
    "HW_CPU_X86_AMD_SVM",
    "HW_CPU_X86_AVX",
    "HW_CPU_X86_AVX2",
    "HW_CPU_X86_AVX512BW",
    "HW_CPU_X86_AVX512CD",
    "HW_CPU_X86_AVX512DQ",
    "HW_CPU_X86_AVX512F",
    "HW_CPU_X86_AVX512VL",
    "HW_CPU_X86_BMI",
    "HW_CPU_X86_BMI2",
    "HW_CPU_X86_CLMUL",
    "HW_CPU_X86_F16C",
    "HW_CPU_X86_FMA3",
    "HW_CPU_X86_INTEL_VMX",
    "HW_CPU_X86_MMX",
    "HW_CPU_X86_MPX",
    "HW_CPU_X86_SGX",
    "HW_CPU_X86_SHA",
    "HW_CPU_X86_SSE",
    "HW_CPU_X86_SSE2",
    "HW_CPU_X86_SSE3",
    "HW_CPU_X86_SSE41",
    "HW_CPU_X86_SSE42",
    "HW_CPU_X86_SSSE3",
    "HW_CPU_X86_SVM",
    "HW_CPU_X86_VMX",
    "HW_GPU_API_VULKAN",
    "HW_GPU_CUDA_COMPUTE_CAPABILITY_V7_0",
    "HW_NIC_ACCEL_IPSEC",
    "HW_NIC_ACCEL_SSL",
    "HW_NIC_DCB_ETS",
    "HW_NIC_OFFLOAD_GRO",
    "HW_NIC_OFFLOAD_GSO",
    "HW_NIC_OFFLOAD_L2CRC",
    "HW_NIC_OFFLOAD_LRO",
    "HW_NIC_OFFLOAD_RX",
    "HW_NIC_OFFLOAD_RXHASH",
    "HW_NIC_OFFLOAD_RXVLAN",
    "HW_NIC_OFFLOAD_SG",
    "HW_NIC_OFFLOAD_TSO",
    "HW_NIC_OFFLOAD_TX",
    "HW_NIC_OFFLOAD_TXVLAN",
    "HW_NIC_SRIOV",
    "HW_NIC_SRIOV_MULTIQUEUE",
    "HW_NIC_SRIOV_TRUSTED",
    "HW_NUMA_ROOT",
    "MISC_SHARES_VIA_AGGREGATE",
    "STORAGE_DISK_HDD",
    "STORAGE_DISK_SSD",
];

pub fn is_standard_resource_class(name: &str) -> bool {
    RESOURCE_CLASSES.contains(&name)
}

pub fn is_standard_trait(name: &str) -> bool {
    TRAITS.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traits_are_sorted_and_unique_so_lookups_work() {
        assert!(TRAITS.windows(2).all(|w| w[0] < w[1]), "TRAITS must stay sorted");
        assert!(is_standard_trait("COMPUTE_NODE") && is_standard_trait("HW_CPU_X86_AVX2"));
        assert!(!is_standard_trait("CUSTOM_GOLD"));
    }

    #[test]
    fn the_compute_classes_are_standard() {
        for rc in ["VCPU", "MEMORY_MB", "DISK_GB", "PCPU", "VGPU"] {
            assert!(is_standard_resource_class(rc));
        }
        assert!(!is_standard_resource_class("CUSTOM_BAREMETAL"));
    }
}
