//! The Linux network stack, below Kubernetes: imports nothing from
//! `model`, `kube_proxy`, `engine` or `ui`.

pub mod netfilter;
