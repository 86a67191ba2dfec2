terraform {
  required_version = ">= 1.6"
  # No providers: names, limits and validation only, so `terraform test` runs anywhere.
}
