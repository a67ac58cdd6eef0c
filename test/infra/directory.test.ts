/**
 * The user directory on AWS: the API (and no other function) may create users in the pool, add
 * them to a group and disable or enable them, on that pool only; it knows the pool's id; the pool
 * has a group per role.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_ACTIONS, USER_GROUPS } from '../../infra/constructs/auth';
import { functionNameOf, iamStatements, type Synthesised, synthesise } from './synth';

let built: Synthesised;
beforeAll(() => {
  built = synthesise();
});

/** The function (by its file name) whose role holds the policy `holder`. */
function functionOfPolicy(holder: string): string | undefined {
  const policy = built.statelessTemplate.toJSON().Resources[holder];
  const roles: Array<{ Ref: string }> = policy?.Properties?.Roles ?? [];
  const functions = built.statelessTemplate.findResources('AWS::Lambda::Function');
  const fn = Object.entries(functions).find(([, f]) => roles.some((r) => JSON.stringify(f.Properties.Role).includes(r.Ref)));
  return fn && functionNameOf(built, fn[0]);
}

describe('the directory in Cognito', () => {
  it('lets only the API call exactly the four admin actions, on the user pool only', () => {
    const cognito = iamStatements(built.statelessTemplate).filter((s) => s.actions.some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toHaveLength(1);
    const [statement] = cognito;
    expect(functionOfPolicy(statement!.holder)).toBe('api');
    expect([...statement!.actions].sort()).toEqual([...DIRECTORY_ACTIONS].sort());
    expect(statement!.resources).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/AuthUsers.*Arn/) }]);
  });

  it('gives the API the user pool id', () => {
    const api = Object.entries(built.statelessTemplate.findResources('AWS::Lambda::Function')).find(([id]) => functionNameOf(built, id) === 'api')![1];
    expect(api.Properties.Environment.Variables.USER_POOL_ID).toEqual({ 'Fn::ImportValue': expect.stringMatching(/AuthUsers/) });
  });

  it('has a group per role, named as the role', () => {
    const groups = Object.values(built.statefulTemplate.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...USER_GROUPS].sort());
  });
});
