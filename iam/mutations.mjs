// Changed statements the matrix must catch, each naming the cell it must change: proof, on every run, that the
// comparison can fail, and that it fails where the change matters. They change the evaluated policies in memory.

function statement(policy, sid) {
  const found = policy.Statement.find((s) => s.Sid === sid)
  if (!found) throw new Error(`no statement ${sid} to mutate`)
  return found
}

export const mutations = [
  {
    name: "the receiver's WriteNewLogObjects without its s3:if-none-match condition",
    cell: 'receiver x s3:PutObject logs/ without If-None-Match [TLS]',
    apply: (d) => {
      delete statement(d.roles.receiver.policies[0].policy, 'WriteNewLogObjects').Condition
    },
  },
  {
    name: "the receiver's WriteNewLogObjects widened from logs/* to *",
    cell: 'receiver x s3:PutObject digests/ with If-None-Match [TLS]',
    apply: (d) => {
      statement(d.roles.receiver.policies[0].policy, 'WriteNewLogObjects').Resource = ['*']
    },
  },
  {
    name: 'the bucket policy without OnlyTheReceiverWritesLogs',
    cell: 'administrator x s3:PutObject logs/ with If-None-Match [TLS]',
    apply: (d) => {
      d.bucketPolicy.Statement = d.bucketPolicy.Statement.filter((s) => s.Sid !== 'OnlyTheReceiverWritesLogs')
    },
  },
  {
    name: 'OnlyBreakGlassRemovesVersionsOrRetention without s3:BypassGovernanceRetention',
    cell: 'administrator x s3:BypassGovernanceRetention logs/ [TLS]',
    apply: (d) => {
      const s = statement(d.bucketPolicy, 'OnlyBreakGlassRemovesVersionsOrRetention')
      s.Action = s.Action.filter((a) => a !== 's3:BypassGovernanceRetention')
    },
  },
  {
    name: 'FunctionURLAllowInvokeAction without its lambda:InvokedViaFunctionUrl condition',
    cell: 'other-account x lambda:InvokeFunction directly [-]',
    apply: (d) => {
      delete statement(d.receiver.aliasPolicy, 'FunctionURLAllowInvokeAction').Condition
    },
  },
  {
    name: 'ReceiverDecryptsSecrets without its kms:ViaService condition',
    cell: 'receiver x kms:Decrypt an app secret directly (not through SSM) [-]',
    apply: (d) => {
      delete statement(d.secretsKey.policy, 'ReceiverDecryptsSecrets').Condition.StringEquals['kms:ViaService']
    },
  },
  {
    name: 'the digest key policy letting the account use kms:Sign through IAM',
    cell: 'administrator x kms:Sign digest key [-]',
    apply: (d) => {
      statement(d.digestKey.policy, 'AccountAdministersTheKey').Action.push('kms:Sign')
    },
  },
]
