# Optional: a Glue Data Catalog table over logs/, so that Athena can query the archive in SQL with no crawler.
# Partition projection computes the partitions from the key layout (logs/<app>/<YYYY>/<MM>/<DD>/), so new
# apps and days need no ALTER TABLE. Queries name the app (WHERE app = '...': the app is injected, so any app
# can be queried without listing them here) and should bound the day. One row per stored line, its syslog
# header split into columns; Heroku Postgres [N-M] chunks are not joined (verifier search joins them).

locals {
  glue_database_name = lower(replace("${var.name}_archive", "-", "_"))
}

resource "aws_glue_catalog_database" "archive" {
  count = var.glue_table ? 1 : 0

  name        = local.glue_database_name
  description = "auditdrain: the drained Heroku logs of s3://${var.bucket_name}"
}

resource "aws_glue_catalog_table" "logs" {
  count = var.glue_table ? 1 : 0

  name          = "logs"
  database_name = aws_glue_catalog_database.archive[0].name
  description   = "One row per drained line (LineCodec escapes: a LF inside a message is written \\n)."
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    "EXTERNAL"                     = "TRUE"
    "classification"               = "text"
    "projection.enabled"           = "true"
    "projection.app.type"          = "injected"
    "projection.day.type"          = "date"
    "projection.day.format"        = "yyyy/MM/dd"
    "projection.day.range"         = "NOW-${var.retention_days}DAYS,NOW"
    "projection.day.interval"      = "1"
    "projection.day.interval.unit" = "DAYS"
    "storage.location.template"    = "s3://${var.bucket_name}/logs/$${app}/$${day}/"
  }

  partition_keys {
    name    = "app"
    type    = "string"
    comment = "the Heroku app (logs/<app>/); every query must give it: WHERE app = '...'"
  }

  partition_keys {
    name    = "day"
    type    = "string"
    comment = "the UTC day of the object's newest message, yyyy/MM/dd"
  }

  storage_descriptor {
    location      = "s3://${var.bucket_name}/logs/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.serde2.RegexSerDe"
      parameters = {
        # <PRI>1 TIMESTAMP host APP-NAME PROCID - MSG; a line that is not syslog (stored unframed bytes)
        # keeps everything in message, its header columns NULL.
        "input.regex" = "^(?:<([0-9]{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) - )?(.*)$"
      }
    }

    columns {
      name    = "priority"
      type    = "string"
      comment = "syslog PRI (not a severity on Heroku)"
    }
    columns {
      name    = "logged_at"
      type    = "string"
      comment = "the line's RFC 5424 timestamp, as sent"
    }
    columns {
      name = "host"
      type = "string"
    }
    columns {
      name    = "app_name"
      type    = "string"
      comment = "app (dyno, Postgres) or heroku (router, platform)"
    }
    columns {
      name    = "proc_id"
      type    = "string"
      comment = "web.1, router, postgres.<pid>, ..."
    }
    columns {
      name = "message"
      type = "string"
    }
  }
}
