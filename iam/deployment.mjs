// What Terraform rendered: every policy of the deployment, read from `terraform show -json` of the state after the
// apply (every value known) and checked against the plan (every value known at plan time must be the same), plus the
// one statement scripts/deploy adds after the apply, read back from the emulator.

import { isDeepStrictEqual } from 'node:util'

/** Every resource of a `terraform show -json` module tree (state or planned values), by address. */
function resourcesOf(rootModule) {
  const byAddress = new Map()
  const walk = (module) => {
    for (const resource of module?.resources ?? []) byAddress.set(resource.address, resource)
    for (const child of module?.child_modules ?? []) walk(child)
  }
  walk(rootModule)
  return byAddress
}

function one(resources, type, name) {
  const found = [...resources.values()].filter((r) => r.type === type && r.name === name && r.mode === 'managed')
  if (found.length !== 1) {
    throw new Error(`expected one ${type}.${name} in the state, found ${found.length}`)
  }
  return found[0].values
}

function maybeOne(resources, type, name) {
  const found = [...resources.values()].filter((r) => r.type === type && r.name === name && r.mode === 'managed')
  return found.length === 1 ? found[0].values : null
}

const parse = (json) => (typeof json === 'string' ? JSON.parse(json) : json)

/**
 * A Lambda resource-policy statement as AWS renders an aws_lambda_permission (the provider calls AddPermission; AWS
 * turns its arguments into a statement).
 */
function permissionStatement(permission, functionArn) {
  const resource = permission.qualifier ? `${functionArn}:${permission.qualifier}` : functionArn
  const principal = permission.principal === '*' ? '*'
    : permission.principal.endsWith('.amazonaws.com') ? { Service: permission.principal }
      : { AWS: permission.principal }
  const condition = {}
  if (permission.function_url_auth_type) {
    condition.StringEquals = { 'lambda:FunctionUrlAuthType': permission.function_url_auth_type }
  }
  if (permission.source_arn) condition.ArnLike = { 'AWS:SourceArn': permission.source_arn }
  if (permission.source_account) {
    condition.StringEquals = { ...condition.StringEquals, 'AWS:SourceAccount': permission.source_account }
  }
  return {
    Sid: permission.statement_id,
    Effect: 'Allow',
    Principal: principal,
    Action: permission.action,
    Resource: resource,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  }
}

/**
 * The statement scripts/deploy adds (lambda:InvokeFunction through the Function URL only), as the emulator returns
 * it. moto keeps the flag as a top-level `InvokedViaFunctionUrl: true`; AWS shows it as the condition
 * Bool lambda:InvokedViaFunctionUrl = "true". Either is read as AWS's form.
 */
function deployedInvokeStatement(lambdaPolicy) {
  const statement = parse(lambdaPolicy).Statement.find((s) => s.Sid === 'FunctionURLAllowInvokeAction')
  if (!statement) throw new Error('the deployed resource policy has no FunctionURLAllowInvokeAction statement')
  const { InvokedViaFunctionUrl, FunctionUrlAuthType, ...rest } = statement
  if (InvokedViaFunctionUrl !== undefined) {
    rest.Condition = { ...rest.Condition, Bool: { 'lambda:InvokedViaFunctionUrl': String(InvokedViaFunctionUrl) } }
  }
  return rest
}

/**
 * Every policy-bearing resource known at plan time must hold the same document in the state: what is evaluated is
 * what Terraform planned for production, not something the emulator changed on the way.
 */
function comparePlanWithState(plan, stateResources) {
  const planned = resourcesOf(plan.planned_values?.root_module)
  const policyAttributes = ['policy', 'assume_role_policy']
  const compared = []
  const differences = []
  for (const [address, resource] of planned) {
    const applied = stateResources.get(address)
    for (const attribute of policyAttributes) {
      const value = resource.values?.[attribute]
      // Unknown at plan time, or none (aws_s3_bucket's deprecated policy attribute mirrors the bucket policy).
      if (typeof value !== 'string' || value === '' || !applied?.values?.[attribute]) continue
      compared.push(`${address}.${attribute}`)
      if (!isDeepStrictEqual(parse(value), parse(applied.values[attribute]))) {
        differences.push(`${address}.${attribute}`)
      }
    }
  }
  return { compared, differences }
}

/**
 * @param state        `terraform show -json` after the apply
 * @param plan         `terraform show -json` of the production-shaped plan (its variables name the break-glass
 *                     role and the secret operators)
 * @param lambdaPolicy the receiver alias's resource policy as deployed (`aws lambda get-policy`)
 */
export function readDeployment(state, plan, lambdaPolicy) {
  const resources = resourcesOf(state.values.root_module)
  const variables = Object.fromEntries(Object.entries(plan.variables ?? {}).map(([k, v]) => [k, v.value]))
  const caller = [...resources.values()].find((r) => r.type === 'aws_caller_identity')
  const account = caller.values.account_id

  const role = (name) => {
    const values = one(resources, 'aws_iam_role', name)
    const policy = one(resources, 'aws_iam_role_policy', name)
    if ((values.managed_policy_arns ?? []).length > 0) {
      throw new Error(`the ${name} role has managed policies, which the matrix does not read`)
    }
    return { arn: values.arn, name: values.name, policies: [{ name: policy.name, policy: parse(policy.policy) }] }
  }

  const bucket = one(resources, 'aws_s3_bucket', 'logs')
  const publicAccess = one(resources, 'aws_s3_bucket_public_access_block', 'logs')
  const objectLock = maybeOne(resources, 'aws_s3_bucket_object_lock_configuration', 'logs')
  const receiverFunction = one(resources, 'aws_lambda_function', 'receiver')
  const alias = one(resources, 'aws_lambda_alias', 'live')
  const url = one(resources, 'aws_lambda_function_url', 'receiver')
  const digester = maybeOne(resources, 'aws_lambda_function', 'digester')
  const digestKey = maybeOne(resources, 'aws_kms_key', 'digests')
  const secretsKey = maybeOne(resources, 'aws_kms_key', 'drain_secrets')
  if (!digester || !digestKey || !maybeOne(resources, 'aws_iam_role', 'verifier')) {
    throw new Error('the matrix is computed for a deployment with the digests and the scheduled verification on')
  }
  if (!secretsKey) throw new Error('the matrix is computed for a deployment whose drain secrets key is the created one')

  const permissions = [...resources.values()].filter((r) => r.type === 'aws_lambda_permission').map((r) => r.values)
  const functionPolicy = (functionName, qualifier, extra = []) => ({
    Version: '2012-10-17',
    Statement: [
      ...permissions.filter((p) => p.function_name === functionName && (p.qualifier || '') === qualifier)
        .map((p) => permissionStatement(p, `arn:aws:lambda:${alias.arn.split(':')[3]}:${account}:function:${functionName}`)),
      ...extra,
    ],
  })

  const verifierFunction = one(resources, 'aws_lambda_function', 'verifier')
  const environment = verifierFunction.environment?.[0]?.variables ?? {}
  const parameterPrefix = receiverFunction.environment?.[0]?.variables?.AUDITDRAIN_CREDENTIALS?.replace(/^ssm:/, '')

  return {
    account,
    region: alias.arn.split(':')[3],
    bucket: { name: bucket.bucket, arn: bucket.arn },
    bucketPolicy: parse(one(resources, 'aws_s3_bucket_policy', 'logs').policy),
    restrictPublicBuckets: publicAccess.restrict_public_buckets === true,
    objectLock: objectLock?.rule?.[0]?.default_retention?.[0] ?? null,
    roles: {
      receiver: role('receiver'),
      digester: role('digester'),
      verifier: role('verifier'),
      auditor: role('auditor'),
    },
    breakGlassRoleArn: variables.break_glass_role_arn ?? null,
    secretOperatorArns: variables.secret_operator_arns ?? [],
    verifierApp: environment.AUDITDRAIN_APP,
    verifierUrlParameter: environment.AUDITDRAIN_DATABASE_URL_PARAMETER,
    parameterPrefix,
    digestKey: { arn: digestKey.arn, policy: parse(digestKey.policy) },
    secretsKey: { arn: secretsKey.arn, policy: parse(secretsKey.policy) },
    receiver: {
      functionArn: receiverFunction.arn,
      aliasArn: alias.arn,
      urlAuthType: url.authorization_type,
      aliasPolicy: functionPolicy(receiverFunction.function_name, alias.name, [deployedInvokeStatement(lambdaPolicy)]),
    },
    digester: { functionArn: digester.arn, policy: functionPolicy(digester.function_name, '') },
    planComparison: comparePlanWithState(plan, resources),
  }
}
