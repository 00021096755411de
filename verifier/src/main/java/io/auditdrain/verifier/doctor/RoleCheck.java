package io.auditdrain.verifier.doctor;

/**
 * What the checks about the role share: without the role there is nothing to judge (role-can-log-in fails), so they
 * are skipped; with it, they see every role it can become.
 */
abstract class RoleCheck implements Check {

    @Override
    public final CheckResult run(DoctorContext ctx) throws Exception {
        if (!ctx.roleExists()) {
            return CheckResult.skip(name(), "the role does not exist");
        }
        return check(ctx, ctx.reach());
    }

    /** The check itself, for a role that exists. */
    protected abstract CheckResult check(DoctorContext ctx, RoleReach reach) throws Exception;
}
