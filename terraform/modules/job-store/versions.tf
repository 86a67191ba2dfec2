terraform {
  required_version = ">= 1.6"
  # No providers: the store's connection settings and their checks only, so `terraform test` runs anywhere.
}
