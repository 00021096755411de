# The optional Glue table over logs/: partition projection on app and day, so that Athena needs no crawler.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_name = "acme-auditdrain-logs"
  jar_path    = "tests/fixtures/receiver-placeholder.txt"
}

run "no_table_unless_asked_for" {
  command = plan

  assert {
    condition     = length(aws_glue_catalog_table.logs) == 0 && length(aws_glue_catalog_database.archive) == 0
    error_message = "the Glue table is optional and off by default"
  }
}

run "the_table_projects_app_and_day_partitions_from_the_key_layout" {
  command = plan

  variables {
    glue_table     = true
    retention_days = 400
  }

  assert {
    condition     = aws_glue_catalog_database.archive[0].name == "auditdrain_archive" && aws_glue_catalog_table.logs[0].name == "logs"
    error_message = "the table is auditdrain_archive.logs (Glue names: lower case, underscores)"
  }

  assert {
    condition = aws_glue_catalog_table.logs[0].parameters == tomap({
      "EXTERNAL"                     = "TRUE"
      "classification"               = "text"
      "projection.enabled"           = "true"
      "projection.app.type"          = "injected"
      "projection.day.type"          = "date"
      "projection.day.format"        = "yyyy/MM/dd"
      "projection.day.range"         = "NOW-400DAYS,NOW"
      "projection.day.interval"      = "1"
      "projection.day.interval.unit" = "DAYS"
      "storage.location.template"    = "s3://acme-auditdrain-logs/logs/$${app}/$${day}/"
    })
    error_message = "partition projection must follow logs/<app>/<YYYY>/<MM>/<DD>/ over the retention"
  }

  assert {
    condition     = [for k in aws_glue_catalog_table.logs[0].partition_keys : k.name] == ["app", "day"]
    error_message = "partitions are app, then day"
  }

  assert {
    condition = (
      aws_glue_catalog_table.logs[0].storage_descriptor[0].location == "s3://acme-auditdrain-logs/logs/" &&
      aws_glue_catalog_table.logs[0].storage_descriptor[0].input_format == "org.apache.hadoop.mapred.TextInputFormat" &&
      aws_glue_catalog_table.logs[0].storage_descriptor[0].ser_de_info[0].serialization_library == "org.apache.hadoop.hive.serde2.RegexSerDe"
    )
    error_message = "gzip text under logs/, one row per line through the regex SerDe"
  }

  assert {
    condition     = [for c in aws_glue_catalog_table.logs[0].storage_descriptor[0].columns : c.name] == ["priority", "logged_at", "host", "app_name", "proc_id", "message"]
    error_message = "one column per syslog header field and the message"
  }

  assert {
    condition     = length(regexall("\\(", aws_glue_catalog_table.logs[0].storage_descriptor[0].ser_de_info[0].parameters["input.regex"])) - 1 == length(aws_glue_catalog_table.logs[0].storage_descriptor[0].columns)
    error_message = "the regex must capture exactly one group per column (plus its one non-capturing group)"
  }

  assert {
    condition     = output.glue_table_name == "auditdrain_archive.logs"
    error_message = "the glue_table_name output names the table for Athena"
  }
}
