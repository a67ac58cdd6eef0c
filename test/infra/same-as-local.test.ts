/**
 * What CDK deploys is what the local runtime runs: the state machine
 * definition is the file workflows/trajectory.asl.json with the same
 * substitution keys, and the table has the keys and indexes of
 * adapters/dynamodb/table.ts.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableDefinition } from '../../adapters/dynamodb/table';
import { DEFINITION_FILE, WORKFLOW_FUNCTIONS } from '../../infra/constructs/workflow';
import { functionNameOf, type Synthesised, synthesise } from './synth';

let built: Synthesised;
beforeAll(() => {
  built = synthesise();
});

const PLACEHOLDER = /\$\{(\w+)\}/g;

/** Replaces each ${Key} with a readable stand-in for the function that fills it. */
const substitute = (text: string, functionFor: (key: string) => string | undefined) =>
  text.replace(PLACEHOLDER, (_match, key: string) => `function:${functionFor(key) ?? `UNRESOLVED(${key})`}`);

describe('state machine definition', () => {
  let properties: Record<string, any>;
  let deployedText: string;
  beforeAll(() => {
    const [machine] = Object.values(built.statelessTemplate.findResources('AWS::StepFunctions::StateMachine'));
    properties = machine!.Properties;
    // DefinitionBody.fromFile ships the file as an asset; find it in the cloud assembly.
    const manifest = JSON.parse(readFileSync(path.join(built.assembly.directory, `${built.stateless.artifactId}.assets.json`), 'utf8'));
    const asset = Object.values<any>(manifest.files).find((file) =>
      Object.values<any>(file.destinations).some((d) => d.objectKey === properties.DefinitionS3Location.Key),
    );
    deployedText = readFileSync(path.join(built.assembly.directory, asset.source.path), 'utf8');
  });

  it('deploys the file itself, byte for byte', () => {
    expect(properties.DefinitionString).toBeUndefined();
    expect(deployedText).toBe(readFileSync(DEFINITION_FILE, 'utf8'));
  });

  it('substitutes exactly the placeholders the file uses', () => {
    const used = new Set([...deployedText.matchAll(PLACEHOLDER)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(WORKFLOW_FUNCTIONS).sort());
    expect(Object.keys(properties.DefinitionSubstitutions).sort()).toEqual(Object.keys(WORKFLOW_FUNCTIONS).sort());
  });

  it('resolves to the same states and structure as the file with the shared substitution map', () => {
    const deployed = JSON.parse(
      substitute(deployedText, (key) => {
        const arn = properties.DefinitionSubstitutions[key];
        return arn?.['Fn::GetAtt'] && arn['Fn::GetAtt'][1] === 'Arn' ? functionNameOf(built, arn['Fn::GetAtt'][0]) : undefined;
      }),
    );
    const local = JSON.parse(
      substitute(readFileSync(DEFINITION_FILE, 'utf8'), (key) => WORKFLOW_FUNCTIONS[key as keyof typeof WORKFLOW_FUNCTIONS]),
    );
    expect(Object.keys(deployed.States).sort()).toEqual(Object.keys(local.States).sort());
    expect(deployed).toEqual(local);
    expect(JSON.stringify(deployed)).not.toContain('UNRESOLVED');
  });
});

describe('table', () => {
  let table: Record<string, any>;
  beforeAll(() => {
    const tables = Object.values(built.statefulTemplate.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    table = tables[0]!.Properties;
  });

  const keySchema = (key: { partitionKey: { name: string }; sortKey: { name: string } }) => [
    { AttributeName: key.partitionKey.name, KeyType: 'HASH' },
    { AttributeName: key.sortKey.name, KeyType: 'RANGE' },
  ];

  it('has the key schema of the shared definition', () => {
    expect(table.KeySchema).toEqual(keySchema(tableDefinition));
  });

  it('has the global secondary indexes of the shared definition, with its projections (never ALL: an index copies no growing records)', () => {
    const byName = (a: { IndexName: string }, b: { IndexName: string }) => a.IndexName.localeCompare(b.IndexName);
    const projection = (p: (typeof tableDefinition.globalSecondaryIndexes)[number]['projection']) =>
      p.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: p.nonKeyAttributes } : { ProjectionType: p.type };
    expect([...table.GlobalSecondaryIndexes].sort(byName)).toEqual(
      tableDefinition.globalSecondaryIndexes
        .map((index) => ({ IndexName: index.indexName, KeySchema: keySchema(index), Projection: projection(index.projection) }))
        .sort(byName),
    );
    expect(table.GlobalSecondaryIndexes.map((i: { Projection: { ProjectionType: string } }) => i.Projection.ProjectionType)).not.toContain('ALL');
  });

  it('defines exactly the key attributes, with their types', () => {
    const keys = [tableDefinition, ...tableDefinition.globalSecondaryIndexes].flatMap((k) => [k.partitionKey, k.sortKey]);
    const expected = [...new Map(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }])).values()];
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) => a.AttributeName.localeCompare(b.AttributeName);
    expect([...table.AttributeDefinitions].sort(byName)).toEqual(expected.sort(byName));
  });
});
