# The scheduler's job store settings, as deploy/scheduler has them for deploy/postgres, and the
# checks that keep credentials and unverified TLS out of an existing store's url.

run "in_cluster_store_matches_deploy_scheduler" {
  command = plan

  assert {
    condition     = output.in_cluster
    error_message = "cloudnativepg is the default"
  }
  assert {
    condition     = output.jdbc_url == "jdbc:postgresql://edge-store-rw:5432/app?sslmode=verify-full&sslrootcert=/etc/dispatcher/store-ca/ca.crt"
    error_message = "the url of deploy/scheduler/job-store.properties"
  }
  assert {
    condition     = strcontains(file("../../../deploy/scheduler/job-store.properties"), "\nurl=${output.jdbc_url}\n")
    error_message = "deploy/scheduler/job-store.properties has another url"
  }
  assert {
    condition     = output.secrets.runtime == "edge-store-dispatcher" && output.secrets.migration == "edge-store-app" && output.secrets.ca.name == "edge-store-ca"
    error_message = "CloudNativePG's Secret names (and the runtime role's, made by the operator)"
  }
  assert {
    condition     = startswith(split("\n", output.properties)[1], "url=jdbc:postgresql://edge-store-rw:5432/app?") && !strcontains(output.properties, "password")
    error_message = "the config file has the url and no credentials"
  }
  assert {
    condition     = length(output.env) == 4 && alltrue([for e in output.env : startswith(e.name, "DISPATCHER_JOB_STORE_")])
    error_message = "runtime and migration credentials from the environment"
  }
}

run "external_store_with_an_owner" {
  command = plan
  variables {
    mode = "external"
    external = {
      jdbc_url         = "jdbc:postgresql://jobs.db.internal:5432/dispatcher?sslmode=verify-full"
      runtime_secret   = "jobs-db-runtime"
      migration_secret = "jobs-db-owner"
      ca_secret        = "jobs-db-ca"
      ca_key           = "root.pem"
    }
  }

  assert {
    condition     = !output.in_cluster
    error_message = "no CloudNativePG cluster"
  }
  assert {
    condition     = output.jdbc_url == "jdbc:postgresql://jobs.db.internal:5432/dispatcher?sslmode=verify-full&sslrootcert=/etc/dispatcher/store-ca/ca.crt"
    error_message = "sslrootcert added: the CA mounted from ca_secret"
  }
  assert {
    condition     = output.scheduler_patch.spec.template.spec.volumes[0].secret.secretName == "jobs-db-ca" && output.scheduler_patch.spec.template.spec.volumes[0].secret.items[0].key == "root.pem" && output.scheduler_patch.spec.template.spec.volumes[0].secret.items[0].path == "ca.crt"
    error_message = "the CA's key is mounted as ca.crt"
  }
  assert {
    condition     = [for e in output.scheduler_patch.spec.template.spec.containers[0].env : e.valueFrom.secretKeyRef.name if e.name == "DISPATCHER_JOB_STORE_MIGRATION_PASSWORD"][0] == "jobs-db-owner"
    error_message = "the owner's password from migration_secret"
  }
}

run "external_store_with_one_role" {
  command = plan
  variables {
    mode = "external"
    external = {
      jdbc_url       = "jdbc:postgresql://jobs.db.internal/dispatcher?sslmode=verify-full&sslrootcert=/etc/dispatcher/store-ca/ca.crt"
      runtime_secret = "jobs-db-runtime"
      ca_secret      = "jobs-db-ca"
    }
  }

  assert {
    condition     = length(output.env) == 2 && output.secrets.migration == null
    error_message = "no owner: the runtime role runs the migrations"
  }
  assert {
    condition = toset([for e in output.scheduler_patch.spec.template.spec.containers[0].env : e.name if lookup(e, "$patch", null) == "delete"]) == toset([
      "DISPATCHER_JOB_STORE_MIGRATION_USER", "DISPATCHER_JOB_STORE_MIGRATION_PASSWORD",
    ])
    error_message = "deploy/scheduler's owner variables are removed"
  }
  assert {
    condition     = output.jdbc_url == "jdbc:postgresql://jobs.db.internal/dispatcher?sslmode=verify-full&sslrootcert=/etc/dispatcher/store-ca/ca.crt"
    error_message = "an sslrootcert naming the mounted CA is kept as given"
  }
}

run "credentials_in_the_url_are_refused" {
  command = plan
  variables {
    mode = "external"
    external = {
      jdbc_url       = "jdbc:postgresql://jobs.db.internal/dispatcher?sslmode=verify-full&password=hunter2"
      runtime_secret = "jobs-db-runtime"
      ca_secret      = "jobs-db-ca"
    }
  }
  expect_failures = [var.external]
}

run "unverified_tls_is_refused" {
  command = plan
  variables {
    mode = "external"
    external = {
      jdbc_url       = "jdbc:postgresql://jobs.db.internal/dispatcher?sslmode=require"
      runtime_secret = "jobs-db-runtime"
      ca_secret      = "jobs-db-ca"
    }
  }
  expect_failures = [var.external]
}

run "a_ca_elsewhere_is_refused" {
  command = plan
  variables {
    mode = "external"
    external = {
      jdbc_url       = "jdbc:postgresql://jobs.db.internal/dispatcher?sslmode=verify-full&sslrootcert=/tmp/ca.pem"
      runtime_secret = "jobs-db-runtime"
      ca_secret      = "jobs-db-ca"
    }
  }
  expect_failures = [var.external]
}

run "external_without_its_settings_is_refused" {
  command = plan
  variables {
    mode = "external"
  }
  expect_failures = [output.jdbc_url]
}

run "driver_properties_cannot_hold_credentials" {
  command = plan
  variables {
    driver_properties = { password = "x" }
  }
  expect_failures = [var.driver_properties]
}
