// The access matrix: principals x requests x contexts, each evaluated by @cloud-copilot/iam-simulate with every
// policy AWS would combine for it (the principal's identity policies, the resource's policy, S3's public-access
// block), with the request context AWS would set.

import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate'

export const OTHER_ACCOUNT = '210987654321'

const ADMINISTRATOR_ACCESS = {
  name: 'AdministratorAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
}
const S3_FULL_ACCESS = {
  name: 'AmazonS3FullAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }] },
}

/**
 * Who asks. The module's roles carry the policies Terraform gave them; the others are the account's people and
 * strangers, with the AWS managed policies such principals typically hold.
 */
export function principalsOf(deployment) {
  const { account } = deployment
  const role = (key, label, arn, policies, note) => ({ key, label, arn, account: arn.split(':')[4], policies, note })
  const roles = deployment.roles
  const principals = [
    role('receiver', 'receiver', roles.receiver.arn, roles.receiver.policies, 'the drain function'),
    role('digester', 'digester', roles.digester.arn, roles.digester.policies, 'the digest function'),
    role('verifier', 'scheduled verification', roles.verifier.arn, roles.verifier.policies,
      'the scheduled smoke and doctor'),
    role('auditor', 'auditor', roles.auditor.arn, roles.auditor.policies, 'the auditor role (output auditor_role_arn)'),
  ]
  if (deployment.secretOperatorArns.length > 0) {
    principals.push(role('operator', 'secret operator', deployment.secretOperatorArns[0], [ADMINISTRATOR_ACCESS],
      'named in secret_operator_arns; AdministratorAccess'))
  }
  if (deployment.breakGlassRoleArn) {
    principals.push(role('break-glass', 'break-glass role', deployment.breakGlassRoleArn, [ADMINISTRATOR_ACCESS],
      'break_glass_role_arn; AdministratorAccess'))
  }
  principals.push(
    role('administrator', 'account administrator', `arn:aws:iam::${account}:role/administrator`, [ADMINISTRATOR_ACCESS],
      'any role of the account with AdministratorAccess'),
    role('unrelated', 'unrelated role', `arn:aws:iam::${account}:role/unrelated-app`, [S3_FULL_ACCESS],
      'another workload of the account, with AmazonS3FullAccess'),
    role('other-account', 'other account', `arn:aws:iam::${OTHER_ACCOUNT}:role/administrator`, [ADMINISTRATOR_ACCESS],
      `an administrator of account ${OTHER_ACCOUNT}`),
    { key: 'anonymous', label: 'anonymous', arn: null, account: null, policies: [], note: 'an unsigned request' },
  )
  return principals
}

/**
 * What is asked: each request with the resource it names and the context it carries. `s3: true` marks the requests
 * evaluated both over TLS and without it.
 */
export function requestsOf(deployment) {
  const bucket = deployment.bucket.arn
  const app = deployment.verifierApp
  const parameter = (name) => `arn:aws:ssm:${deployment.region}:${deployment.account}:parameter${name}`
  const secret = parameter(`${deployment.parameterPrefix}/${app}/secret`)
  const verifierUrl = parameter(deployment.verifierUrlParameter)
  const samples = {
    logs: `logs/${app}/2026/03/14/1773458721000-a95ed593-3574-3953-b1c7-3545bce89ede.gz`,
    digests: `digests/${app}/2026/03/14/0300.jsonl`,
    proof: `proof/${app}/2026/03/14/0315-6a3e1f0c.json`,
  }
  const requests = []
  const add = (group, id, action, resource, context = {}, extra = {}) =>
    requests.push({ group, id, action, resource, context, ...extra })

  for (const [prefix, key] of Object.entries(samples)) {
    const object = `${bucket}/${key}`
    const group = `${prefix}/`
    add(group, `s3:ListBucket ${prefix}/${app}/`, 's3:ListBucket', bucket, { 's3:prefix': `${prefix}/${app}/` }, { s3: true })
    add(group, `s3:GetObject ${prefix}/`, 's3:GetObject', object, {}, { s3: true })
    add(group, `s3:GetObjectVersion ${prefix}/`, 's3:GetObjectVersion', object, { 's3:versionid': 'v1' }, { s3: true })
    add(group, `s3:PutObject ${prefix}/ with If-None-Match`, 's3:PutObject', object, { 's3:if-none-match': '*' },
      { s3: true, write: true })
    add(group, `s3:PutObject ${prefix}/ without If-None-Match`, 's3:PutObject', object, {}, { s3: true, write: true })
    add(group, `s3:DeleteObject ${prefix}/`, 's3:DeleteObject', object, {}, { s3: true, destructive: true })
    add(group, `s3:DeleteObjectVersion ${prefix}/`, 's3:DeleteObjectVersion', object, { 's3:versionid': 'v1' },
      { s3: true, destructive: true })
    add(group, `s3:PutObjectRetention ${prefix}/`, 's3:PutObjectRetention', object, {}, { s3: true, destructive: true })
    add(group, `s3:PutObjectLegalHold ${prefix}/`, 's3:PutObjectLegalHold', object, {}, { s3: true, destructive: true })
    add(group, `s3:BypassGovernanceRetention ${prefix}/`, 's3:BypassGovernanceRetention', object, {},
      { s3: true, destructive: true })
    add(group, `s3:ReplicateObject ${prefix}/`, 's3:ReplicateObject', object, {}, { s3: true, write: true })
  }
  for (const action of ['s3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketPolicy',
    's3:DeleteBucketPolicy', 's3:PutBucketObjectLockConfiguration', 's3:DeleteBucket']) {
    add('bucket', action, action, bucket, {}, { s3: true, destructive: true })
  }
  add('bucket', 's3:GetBucketPolicy', 's3:GetBucketPolicy', bucket, {}, { s3: true })

  const digestKey = deployment.digestKey.arn
  add('digest key', 'kms:Sign digest key', 'kms:Sign', digestKey, { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' })
  add('digest key', 'kms:GetPublicKey digest key', 'kms:GetPublicKey', digestKey)
  add('digest key', 'kms:ScheduleKeyDeletion digest key', 'kms:ScheduleKeyDeletion', digestKey)
  add('digest key', 'kms:PutKeyPolicy digest key', 'kms:PutKeyPolicy', digestKey)

  const secretsKey = deployment.secretsKey.arn
  const viaSsm = { 'kms:ViaService': `ssm.${deployment.region}.amazonaws.com` }
  add('drain secrets key', 'kms:Decrypt an app secret through SSM', 'kms:Decrypt', secretsKey,
    { ...viaSsm, 'kms:EncryptionContext:PARAMETER_ARN': secret })
  add('drain secrets key', 'kms:Decrypt an app secret directly (not through SSM)', 'kms:Decrypt', secretsKey,
    { 'kms:EncryptionContext:PARAMETER_ARN': secret })
  add('drain secrets key', 'kms:Encrypt an app secret through SSM', 'kms:Encrypt', secretsKey,
    { ...viaSsm, 'kms:EncryptionContext:PARAMETER_ARN': secret })
  add('drain secrets key', "kms:Decrypt the verifier's database URL through SSM", 'kms:Decrypt', secretsKey,
    { ...viaSsm, 'kms:EncryptionContext:PARAMETER_ARN': verifierUrl })
  add('drain secrets key', 'kms:ScheduleKeyDeletion drain secrets key', 'kms:ScheduleKeyDeletion', secretsKey)
  add('drain secrets key', 'kms:PutKeyPolicy drain secrets key', 'kms:PutKeyPolicy', secretsKey)

  add('SSM', 'ssm:GetParameter an app secret', 'ssm:GetParameter', secret)
  add('SSM', 'ssm:GetParameter an app drain URL', 'ssm:GetParameter', parameter(`${deployment.parameterPrefix}/${app}/drain-url`))
  add('SSM', "ssm:GetParameter the verifier's database URL", 'ssm:GetParameter', verifierUrl)
  add('SSM', 'ssm:GetParameterHistory an app secret (attest --rotations)', 'ssm:GetParameterHistory', secret)
  add('SSM', 'ssm:GetParameterHistory an app drain URL', 'ssm:GetParameterHistory',
    parameter(`${deployment.parameterPrefix}/${app}/drain-url`))
  add('SSM', "ssm:GetParameterHistory the verifier's database URL (attest --rotations)", 'ssm:GetParameterHistory',
    verifierUrl)

  const alias = deployment.receiver.aliasArn
  add('receiver function', `lambda:InvokeFunctionUrl (FunctionUrlAuthType ${deployment.receiver.urlAuthType})`,
    'lambda:InvokeFunctionUrl', alias, { 'lambda:FunctionUrlAuthType': deployment.receiver.urlAuthType })
  add('receiver function', 'lambda:InvokeFunctionUrl (no FunctionUrlAuthType)', 'lambda:InvokeFunctionUrl', alias)
  add('receiver function', 'lambda:InvokeFunction through the Function URL', 'lambda:InvokeFunction', alias,
    { 'lambda:InvokedViaFunctionUrl': 'true' })
  add('receiver function', 'lambda:InvokeFunction directly', 'lambda:InvokeFunction', alias)
  add('receiver function', 'lambda:UpdateFunctionCode receiver', 'lambda:UpdateFunctionCode', deployment.receiver.functionArn)
  add('receiver function', 'iam:PutRolePolicy receiver role', 'iam:PutRolePolicy', deployment.roles.receiver.arn)
  add('receiver function', 'iam:UpdateAssumeRolePolicy receiver role', 'iam:UpdateAssumeRolePolicy', deployment.roles.receiver.arn)
  add('digester function', 'lambda:InvokeFunction digester directly', 'lambda:InvokeFunction', deployment.digester.functionArn)
  return requests
}

/** The resource policy AWS consults for a request on this resource, and its name in the matrix. */
function resourcePolicyFor(deployment, resource) {
  if (resource === deployment.bucket.arn || resource.startsWith(`${deployment.bucket.arn}/`)) {
    return { label: 'bucket policy', policy: deployment.bucketPolicy }
  }
  if (resource === deployment.digestKey.arn) return { label: 'digest key policy', policy: deployment.digestKey.policy }
  if (resource === deployment.secretsKey.arn) return { label: 'drain secrets key policy', policy: deployment.secretsKey.policy }
  if (resource === deployment.receiver.aliasArn) return { label: 'receiver:live policy', policy: deployment.receiver.aliasPolicy }
  if (resource === deployment.digester.functionArn) return { label: 'digester policy', policy: deployment.digester.policy }
  return null
}

/** The context AWS sets for any request of this principal (the simulator takes it as given). */
function principalContext(principal, request, tls) {
  const context = { 'aws:SecureTransport': tls ? 'true' : 'false' }
  if (principal.arn) {
    Object.assign(context, {
      'aws:PrincipalArn': principal.arn,
      'aws:PrincipalAccount': principal.account,
      'aws:PrincipalType': 'AssumedRole',
    })
    if (request.action.startsWith('kms:')) context['kms:CallerAccount'] = principal.account
  }
  return context
}

const CONTEXTS = { TLS: true, 'no TLS': false }

// iam-simulate 0.1.173 keeps a request's variable condition keys only when the variable follows a '/' (as in
// aws:PrincipalTag/<tag>) and drops kms:EncryptionContext:<key> from the context, so a condition on it would always
// fail as if the key were missing. The key is renamed, in the policies and in the request alike, to one it keeps:
// the same operators then compare the same values, as AWS does.
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i
const standIn = (key) => key.replace(ENCRYPTION_CONTEXT, 'aws:PrincipalTag/kms-encryption-context-$1')

function withStandIns(policy) {
  if (!policy) return policy
  const copy = structuredClone(policy)
  for (const statement of [copy.Statement].flat()) {
    for (const operator of Object.keys(statement.Condition ?? {})) {
      statement.Condition[operator] = Object.fromEntries(
        Object.entries(statement.Condition[operator]).map(([key, value]) => [standIn(key), value]))
    }
  }
  return copy
}

function statementName(label, analysis) {
  const sid = analysis.statement.sid()
  return `${label} ${sid ?? `#${analysis.statement.index()}`}`
}

// The keys AWS sets on every request, which the simulator leaves out where an action does not define them.
const IGNORABLE = new Set(['kms:CallerAccount'])

/** One cell: the decision, and every statement that matched it (denying and allowing), named by policy and Sid. */
async function evaluate(deployment, principal, request, contextName) {
  const resourcePolicy = resourcePolicyFor(deployment, request.resource)
  const tls = CONTEXTS[contextName] ?? true
  const simulation = {
    request: {
      principal: principal.arn
        ? `arn:aws:sts::${principal.account}:assumed-role/${principal.arn.split('/').pop()}/access-matrix`
        : anonymousPrincipal,
      action: request.action,
      resource: { resource: request.resource, accountId: deployment.account },
      contextVariables: Object.fromEntries(Object.entries({ ...principalContext(principal, request, tls), ...request.context })
        .map(([key, value]) => [standIn(key), value])),
    },
    identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: withStandIns(p.policy) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: withStandIns(resourcePolicy?.policy),
    additionalSettings: { s3: { blockPublicAccess: deployment.restrictPublicBuckets } },
  }
  const response = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    throw new Error(`the simulator refused ${principal.key} x ${request.id}: ${JSON.stringify(response.errors)}`)
  }
  if (response.result?.ignoredContextKeys?.some((key) => !IGNORABLE.has(key))) {
    throw new Error(`${request.id}: the simulator ignored ${response.result.ignoredContextKeys} of its context`)
  }
  if (response.resultType !== 'single') {
    throw new Error(`${request.id}: expected one resource, the simulator ran ${response.resultType}`)
  }
  const analysis = response.result.analysis
  const names = (label, statements) => (statements ?? []).map((s) => statementName(label, s))
  const identityLabel = (s) => `identity ${s.policyId}`
  const deny = [
    ...(analysis.identityAnalysis?.denyStatements ?? []).map((s) => statementName(identityLabel(s), s)),
    ...names(resourcePolicy?.label, analysis.resourceAnalysis?.denyStatements),
  ]
  const allow = [
    ...(analysis.identityAnalysis?.allowStatements ?? []).map((s) => statementName(identityLabel(s), s)),
    ...names(resourcePolicy?.label, analysis.resourceAnalysis?.allowStatements),
  ]
  if ((analysis.blockedBy ?? []).includes('s3-bpa')) deny.push('S3 Block Public Access')
  const decision = { Allowed: 'Allow', ExplicitlyDenied: 'Deny', ImplicitlyDenied: 'implicit deny' }[response.overallResult]
  return { decision, deny, allow }
}

/** Every cell of the matrix, in a fixed order (principals, then requests, then contexts); or one principal's. */
export async function computeMatrix(deployment, onlyPrincipal = null) {
  const principals = principalsOf(deployment).filter((p) => !onlyPrincipal || p.key === onlyPrincipal)
  const requests = requestsOf(deployment)
  const cells = []
  for (const principal of principals) {
    for (const request of requests) {
      for (const context of request.s3 ? Object.keys(CONTEXTS) : ['-']) {
        const result = await evaluate(deployment, principal, request, context)
        cells.push({ principal: principal.key, request: request.id, context, ...result })
      }
    }
  }
  return { principals, requests, cells }
}
