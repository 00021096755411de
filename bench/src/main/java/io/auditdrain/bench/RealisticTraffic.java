package io.auditdrain.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/**
 * Drain bodies shaped like real Heroku traffic: router lines, dyno lines (some with UTF-8), and Heroku Postgres
 * statement lines, long and multi-line statements split into [N-M] chunks, octet-counted with the trailing LF.
 * Deterministic for a seed.
 */
public final class RealisticTraffic {

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);
    private static final String[] PATHS = {"/", "/cart_link", "/api/v1/orders", "/api/v1/customers/8812/audit",
        "/assets/application-5f2b.css", "/healthz", "/login", "/checkout/confirm?id=77123"};
    private static final String[] DYNO = {"Started GET \"%s\" for 73.75.38.87 at 2026-11-22 10:00:00 +0000",
        "Completed 200 OK in 23ms (Views: 11.2ms | ActiveRecord: 4.1ms | Allocations: 5121)",
        "Processing by OrdersController#index as JSON", "  Parameters: {\"page\"=>\"2\", \"q\"=>\"caf\u00e9 cr\u00e8me\"}",
        "INFO  worker.jobs - job=SyncCustomers path=%s duration_ms=812 status=ok",
        "WARN  http.client - retrying request to https://api.example.com/v2/items (attempt 2) \u2713"};

    private RealisticTraffic() {
    }

    /** A body of about {@code targetBytes} (it ends on a frame boundary). */
    public static byte[] body(int targetBytes, long seed) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 4096);
        long micros = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1000;
        // Each body continues the process's message numbers, as consecutive batches of one database do.
        int pgMessage = (int) (seed % 10_000) * 10_000 + 1;
        while (out.size() < targetBytes) {
            micros += random.nextInt(20_000);
            Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
            int kind = random.nextInt(10);
            if (kind < 4) {
                frame(out, "<158>1 " + MICROS.format(t) + " host heroku router - at=info method=GET path=\""
                        + PATHS[random.nextInt(PATHS.length)] + "\" host=shop.example.com request_id="
                        + new java.util.UUID(random.nextLong(), random.nextLong()) + " fwd=\"73.75.38." + random.nextInt(255)
                        + "\" dyno=web." + (1 + random.nextInt(4)) + " connect=" + random.nextInt(3) + "ms service="
                        + random.nextInt(400) + "ms status=" + (random.nextInt(20) == 0 ? 500 : 200) + " bytes="
                        + random.nextInt(90_000) + " protocol=https");
            } else if (kind < 7) {
                String text = String.format(DYNO[random.nextInt(DYNO.length)], PATHS[random.nextInt(PATHS.length)]);
                frame(out, "<190>1 " + MICROS.format(t) + " host app web." + (1 + random.nextInt(4)) + " - " + text);
            } else {
                pgMessage = postgres(out, SECONDS.format(t), random, pgMessage, seed);
            }
        }
        return out.toByteArray();
    }

    private static int postgres(ByteArrayOutputStream out, String ts, Random random, int n, long seed) {
        String prefix = "<134>1 " + ts + " host app postgres.1105947 - ";
        String head = "[DATABASE] [" + n + "-1]  sql_error_code = 00000 time_ms = \"2026-11-22 10:00:00.793 UTC\" "
                + "pid=\"1991397\" proc_start_time=\"2026-11-22 09:33:12 UTC\" session_id=\"647e3878.1e62e5\" "
                + "vtid=\"2/" + random.nextInt(9999) + "\" tid=\"0\" log_line=\"" + (seed * 1_000_000 + n)
                + "\" database=\"d8a7b1c2\" connection_source=\"10.1.2.3(5432)\" user=\"raptor_app\" "
                + "application_name=\"raptor\" LOG:  statement: ";
        int shape = random.nextInt(3);
        if (shape == 0) {
            frame(out, prefix + head + "INSERT INTO customer_audit_events (id, dimension, customer_id, actor_id, "
                    + "actor_type, action, at_utc) VALUES ('evt-" + random.nextInt(1_000_000) + "', 'customer', "
                    + random.nextInt(10_000) + ", 'user-" + random.nextInt(500) + "', 'user', 'order.placed', NOW())");
        } else if (shape == 1) {
            frame(out, prefix + head + "UPDATE orders SET status = 'shipped', updated_at = NOW()");
            frame(out, prefix + "[DATABASE] [" + n + "-2] \tWHERE id = " + random.nextInt(1_000_000));
            frame(out, prefix + "[DATABASE] [" + n + "-3] \t  AND status = 'paid'");
        } else {
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                values.append(i == 0 ? "" : ", ").append("('sku-").append(random.nextInt(100_000)).append("', ")
                        .append(random.nextInt(50)).append(')');
            }
            String statement = "INSERT INTO order_lines (sku, quantity) VALUES " + values;
            int chunk = 1;
            for (int i = 0; i < statement.length(); i += 400) {
                String piece = statement.substring(i, Math.min(statement.length(), i + 400));
                frame(out, prefix + (chunk == 1 ? head : "[DATABASE] [" + n + "-" + chunk + "] ") + piece);
                chunk++;
            }
        }
        return n + 1;
    }

    private static void frame(ByteArrayOutputStream out, String message) {
        byte[] m = message.getBytes(UTF_8);
        out.writeBytes(((m.length + 1) + " ").getBytes(UTF_8));
        out.writeBytes(m);
        out.write('\n');
    }
}
