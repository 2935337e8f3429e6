/**
 * The IAM policy grammar that PutFileSystemPolicy enforces
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html): the document's
 * elements, each statement's Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal
 * and Condition shapes, unique Sids. AWS answers a violation with InvalidPolicyException.
 */
type Json = unknown;

const topLevel = new Set(['Version', 'Id', 'Statement']);
const inStatement = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const versions = new Set(['2008-10-17', '2012-10-17']);
const principalKinds = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const operatorFamilies = {
  String: ['Equals', 'NotEquals', 'EqualsIgnoreCase', 'NotEqualsIgnoreCase', 'Like', 'NotLike'],
  Numeric: ['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'],
  Date: ['Equals', 'NotEquals', 'LessThan', 'LessThanEquals', 'GreaterThan', 'GreaterThanEquals'],
  Arn: ['Equals', 'Like', 'NotEquals', 'NotLike'],
  Binary: ['Equals'],
};
const operators = new Set([
  ...Object.entries(operatorFamilies).flatMap(([family, kinds]) => kinds.map((k) => family + k)),
  'Bool',
  'IpAddress',
  'NotIpAddress',
]);

const isMap = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function knownOperator(name: string): boolean {
  const withoutSet = name.replace(/^For(AnyValue|AllValues):/, '');
  if (withoutSet === 'Null') return true;
  return operators.has(withoutSet.endsWith('IfExists') ? withoutSet.slice(0, -'IfExists'.length) : withoutSet);
}

/** "a string" or a non-empty list of strings, each passing `check`; returns the first problem. */
function stringOrList(value: Json, where: string, check: (s: string) => boolean, what: string): string | undefined {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return `${where} must not be an empty list`;
  const bad = values.find((v) => typeof v !== 'string' || !check(v));
  return bad === undefined ? undefined : `${where} has ${JSON.stringify(bad)}, which is not ${what}`;
}

function principalProblem(value: Json, where: string): string | undefined {
  if (value === '*') return undefined;
  if (!isMap(value) || Object.keys(value).length === 0)
    return `${where} must be "*" or a map of AWS, Service, Federated or CanonicalUser to ids`;
  for (const [kind, ids] of Object.entries(value)) {
    if (!principalKinds.has(kind)) return `${where} has the unsupported principal type '${kind}'`;
    const problem = stringOrList(ids, `${where}.${kind}`, () => true, 'a principal id');
    if (problem) return problem;
  }
  return undefined;
}

function conditionProblem(value: Json, where: string): string | undefined {
  if (!isMap(value)) return `${where} must be a map of condition operators`;
  for (const [operator, block] of Object.entries(value)) {
    if (!knownOperator(operator)) return `${where} uses the invalid condition operator '${operator}'`;
    if (!isMap(block) || Object.keys(block).length === 0)
      return `${where}.${operator} must be a non-empty map of condition keys to values`;
    for (const [key, values] of Object.entries(block)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0 || list.some((v) => !['string', 'number', 'boolean'].includes(typeof v)))
        return `${where}.${operator}.${key} must be a value (string, number or boolean) or a non-empty list of values`;
    }
  }
  return undefined;
}

function statementProblem(statement: Json, where: string): string | undefined {
  if (!isMap(statement)) return `${where} must be a JSON object`;
  const unknown = Object.keys(statement).find((k) => !inStatement.has(k));
  if (unknown) return `${where} has the unsupported element '${unknown}'`;
  if (statement.Sid !== undefined && (typeof statement.Sid !== 'string' || !/^[A-Za-z0-9 _.-]*$/.test(statement.Sid)))
    return `${where}.Sid must be a string of letters, digits, spaces, '_', '.' or '-'`;
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
    return `${where}.Effect must be 'Allow' or 'Deny'; got ${JSON.stringify(statement.Effect ?? null)}`;
  const exclusive = (a: string, b: string): string | undefined =>
    statement[a] !== undefined && statement[b] !== undefined ? `${where} may not have both ${a} and ${b}` : undefined;
  const action = statement.Action ?? statement.NotAction;
  const resource = statement.Resource ?? statement.NotResource;
  const principal = statement.Principal ?? statement.NotPrincipal;
  return (
    exclusive('Action', 'NotAction') ??
    (action === undefined ? `${where} needs an Action or NotAction` : undefined) ??
    stringOrList(
      action,
      `${where}.Action`,
      (s) => s === '*' || /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(s),
      'service:action',
    ) ??
    exclusive('Resource', 'NotResource') ??
    (resource === undefined
      ? undefined
      : stringOrList(
          resource,
          `${where}.Resource`,
          (s) => s === '*' || /^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+$/.test(s),
          'an ARN or "*"',
        )) ??
    exclusive('Principal', 'NotPrincipal') ??
    (principal === undefined ? undefined : principalProblem(principal, `${where}.Principal`)) ??
    (statement.Condition === undefined ? undefined : conditionProblem(statement.Condition, `${where}.Condition`))
  );
}

/** The first grammar violation of a parsed policy document, or undefined when it is well formed. */
export function policyDocumentProblem(document: Json): string | undefined {
  if (!isMap(document)) return 'Policy must be a JSON object';
  const unknown = Object.keys(document).find((k) => !topLevel.has(k));
  if (unknown) return `Policy has the unsupported element '${unknown}'`;
  if (document.Version !== undefined && !versions.has(document.Version as string))
    return `Policy Version must be 2008-10-17 or 2012-10-17; got ${JSON.stringify(document.Version)}`;
  if (document.Id !== undefined && typeof document.Id !== 'string') return 'Policy Id must be a string';
  if (document.Statement === undefined) return 'Policy has no Statement';
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const sids = new Set<string>();
  for (const [i, statement] of statements.entries()) {
    const problem = statementProblem(statement, `Statement ${i + 1}`);
    if (problem) return problem;
    const sid = (statement as Record<string, Json>).Sid;
    if (typeof sid === 'string') {
      if (sids.has(sid)) return `Statement ids (Sid) must be unique; '${sid}' appears more than once`;
      sids.add(sid);
    }
  }
  return undefined;
}
