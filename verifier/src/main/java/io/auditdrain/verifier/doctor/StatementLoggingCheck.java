package io.auditdrain.verifier.doctor;

import io.auditdrain.verifier.db.SqlIdentifier;
import java.util.Set;

/**
 * The effective {@code log_statement} for the role is {@code mod} or {@code all}, however it was set (Heroku sets it
 * database-wide with {@code heroku pg:settings:log-statement}; elsewhere {@code ALTER ROLE ... SET} is common), and
 * {@code log_min_messages} lets LOG lines through (at {@code fatal} or {@code panic} the statement lines are never
 * written). Read in a session of the role itself, or worked out from the catalog ({@link RoleSetting}).
 *
 * <p>{@code mod} logs INSERT, UPDATE, DELETE, TRUNCATE, COPY FROM and DDL, but not a write made inside a SELECT (a
 * data-modifying {@code WITH}, a function): only {@code all} or pgaudit's {@code write} class sees those.
 */
public final class StatementLoggingCheck extends RoleCheck {

    private static final Set<String> LOGS_WRITES = Set.of("mod", "all");
    /** log_min_messages levels above LOG, in the server log's own order. */
    private static final Set<String> SILENCES_LOG = Set.of("fatal", "panic");

    @Override
    public String name() {
        return "statement-logging";
    }

    @Override
    public String description() {
        return "log_statement is mod or all for the role's sessions, and log_min_messages lets them through";
    }

    @Override
    protected CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception {
        RoleSetting effective = RoleSetting.effective(ctx, "log_statement");
        if (effective == null) {
            return CheckResult.warn(name(), "cannot tell from this session: the owner has its own log_statement"
                    + " setting, which hides the server's", "run doctor with the role's own URL"
                    + " (--database-url-env AUDITDRAIN_APP_DATABASE_URL)");
        }
        String role = ctx.role().name();
        String detail = "log_statement = " + effective.value() + " for " + role + " (" + effective.source() + ")";
        if (!LOGS_WRITES.contains(effective.value())) {
            String remedy;
            if (effective.roleLevel()) {
                remedy = "ALTER ROLE " + ctx.role().display() + " SET log_statement = 'mod';   (as a superuser; on"
                        + " Heroku, where that is impossible: ALTER ROLE " + ctx.role().display()
                        + " RESET log_statement; then heroku pg:settings:log-statement mod --app "
                        + ctx.appForRemedy() + ") New sessions only: restart the dynos.";
            } else {
                remedy = "heroku pg:settings:log-statement mod --app " + ctx.appForRemedy() + "   (self-hosted, as a"
                        + " superuser: ALTER ROLE " + ctx.role().display() + " SET log_statement = 'mod';)"
                        + " New sessions only: restart the dynos.";
            }
            return CheckResult.fail(name(), detail + ": data-modifying statements are not logged", remedy);
        }
        RoleSetting minMessages = RoleSetting.effective(ctx, "log_min_messages");
        if (minMessages != null && SILENCES_LOG.contains(minMessages.value())) {
            String reset = minMessages.roleLevel() ? "ALTER ROLE " + ctx.role().display() + " RESET log_min_messages;"
                    : "ALTER DATABASE " + SqlIdentifier.role(ctx.session().database())
                    .display() + " RESET log_min_messages;   (or set it to warning in the server configuration)";
            return CheckResult.fail(name(), detail + ", but log_min_messages = " + minMessages.value() + " ("
                    + minMessages.source() + ") drops every LOG line, statements included", reset
                    + " New sessions only: restart the dynos.");
        }
        String note = effective.value().equals("mod") ? "; mod does not log a write made inside a SELECT (a"
                + " data-modifying WITH, a function)" : "";
        return CheckResult.pass(name(), detail + note);
    }
}
