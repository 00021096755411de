#!/usr/bin/env node
// Usage: node iam/access-matrix.mjs --state STATE.json --plan PLAN.json --lambda-policy POLICY.json [--update]
//
// Computes who can do what to the archive from what Terraform rendered (README: How production is proven):
//   --state          `terraform show -json` after the apply to the emulator
//   --plan           `terraform show -json` of the production-shaped plan (its policies must match the state's)
//   --lambda-policy  the receiver alias's resource policy as deployed (`aws lambda get-policy`)
// then compares every cell with iam/expected-access-matrix.tsv and docs/access-matrix.md with what it would write,
// and checks that the comparison catches changed policies (a few statements mutated in memory must each change the
// cell they decide). Exit status 0 when all holds, 1 otherwise. --update rewrites both files instead.
//
// Run by scripts/check-deploy. @cloud-copilot/iam-simulate is AGPL-3.0: a test tool installed by `npm ci` in this
// folder, never part of a shipped artifact.

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readDeployment } from './deployment.mjs'
import { computeMatrix } from './matrix.mjs'
import { mutations } from './mutations.mjs'
import { compare, fromTsv, toMarkdown, toTsv } from './report.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const expectedPath = join(here, 'expected-access-matrix.tsv')
const docPath = join(here, '..', 'docs', 'access-matrix.md')

const { values: args } = parseArgs({
  options: {
    state: { type: 'string' },
    plan: { type: 'string' },
    'lambda-policy': { type: 'string' },
    update: { type: 'boolean', default: false },
  },
})
for (const required of ['state', 'plan', 'lambda-policy']) {
  if (!args[required]) {
    console.error(`access-matrix: --${required} is required`)
    process.exit(2)
  }
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const readText = (path) => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

const deployment = readDeployment(readJson(args.state), readJson(args.plan), readJson(args['lambda-policy']))
let failed = false
const check = (ok, message, details = []) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${message}`)
  for (const line of details) console.log(`        ${line}`)
  failed ||= !ok
}

const { compared, differences: planDifferences } = deployment.planComparison
check(planDifferences.length === 0 && compared.length > 0,
  `the plan and the apply hold the same ${compared.length} policy documents known at plan time`, planDifferences)

const started = process.hrtime.bigint()
const matrix = await computeMatrix(deployment)
const millis = Number(process.hrtime.bigint() - started) / 1e6
const count = (decision) => matrix.cells.filter((c) => c.decision === decision).length
console.log(`      ${matrix.cells.length} cells (${matrix.principals.length} principals x ${matrix.requests.length} requests,`
  + ` S3 with and without TLS) in ${Math.round(millis)} ms: ${count('Allow')} allowed, ${count('Deny')} explicitly`
  + ` denied, ${count('implicit deny')} implicitly denied`)

const tsv = toTsv(matrix.cells)
const markdown = toMarkdown(matrix, deployment)
let matches = true
if (args.update) {
  writeFileSync(expectedPath, tsv)
  writeFileSync(docPath, markdown)
  console.log(`      wrote ${expectedPath} and ${docPath}`)
} else {
  const expected = fromTsv(readText(expectedPath))
  const differences = compare(expected, matrix.cells)
  matches = differences.length === 0
  check(matches, matches ? `every cell is as iam/expected-access-matrix.tsv expects`
    : `${differences.length} cells differ from iam/expected-access-matrix.tsv`, differences.slice(0, 40))
  check(readText(docPath) === markdown, 'docs/access-matrix.md is the matrix as computed'
    + (readText(docPath) === markdown ? '' : ' (it is not: scripts/check-deploy --update-access-matrix)'))
}

// The comparison must catch a changed statement: each mutation changes the policies in memory only. They start
// from the expected policies, so they say nothing while the matrix differs from what is expected.
for (const mutation of matches ? mutations : []) {
  const mutated = structuredClone(deployment)
  mutation.apply(mutated)
  const principal = mutation.cell.split(' x ')[0]
  const changed = compare(matrix.cells.filter((c) => c.principal === principal),
    (await computeMatrix(mutated, principal)).cells)
  const named = changed.filter((line) => line.startsWith(`${mutation.cell} `) || line.startsWith(`${mutation.cell}:`))
  check(named.length > 0, `${mutation.name}: changes ${mutation.cell}`, named.length ? named.slice(0, 1) : changed.slice(0, 3))
}

if (!matches) console.log(`      the ${mutations.length} mutated statements are checked once the matrix is as expected`)
process.exit(failed ? 1 : 0)
