terraform {
  required_version = ">= 1.9"
  required_providers {
    kafka = {
      source  = "Mongey/kafka"
      version = "~> 0.12"
    }
    kustomization = {
      source  = "kbst/kustomization"
      version = "~> 0.9"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.35"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}
