terraform {
  # 1.9: a variable's validation may refer to other variables (clusters against home and regions).
  required_version = ">= 1.9"
  # No providers: where each region's pool runs, and its checks only, so `terraform test` runs anywhere.
}
