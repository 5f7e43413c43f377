// Every leaf field of the run configuration, read off its schema: what the CLI turns into flags.
import { z } from 'zod';
import { runConfigInputSchema } from '../data/schemas/run-config.js';

export interface ConfigField {
  path: string;
  kind: 'number' | 'boolean' | 'string' | 'list' | 'enum';
  values?: readonly string[];
  description?: string;
}

/** A field's type without its default / optional / nullable wrappers, and its description. */
function unwrapField(schema: z.ZodType): { inner: z.ZodType; description?: string } {
  let inner = schema;
  let description = schema.description;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = (inner as unknown as { unwrap(): z.ZodType }).unwrap();
    description ??= inner.description;
  }
  return { inner, description };
}

/** Every leaf field of the configuration (dotted path, kind, allowed values), read off the schema: the CLI's flags. */
export const CONFIG_FIELDS: ReadonlyArray<ConfigField> = Object.entries(runConfigInputSchema.shape).flatMap(([section, sectionSchema]) =>
  Object.entries((unwrapField(sectionSchema).inner as z.ZodObject).shape).map(([key, fieldSchema]): ConfigField => {
    const { inner, description } = unwrapField(fieldSchema as z.ZodType);
    const path = `${section}.${key}`;
    const described = description ? { description } : {};
    if (inner instanceof z.ZodEnum) return { path, kind: 'enum', values: inner.options as string[], ...described };
    if (inner instanceof z.ZodNumber) return { path, kind: 'number', ...described };
    if (inner instanceof z.ZodBoolean) return { path, kind: 'boolean', ...described };
    if (inner instanceof z.ZodArray) {
      const element = unwrapField(inner.element as z.ZodType).inner;
      return { path, kind: 'list', ...(element instanceof z.ZodEnum ? { values: element.options as string[] } : {}), ...described };
    }
    return { path, kind: 'string', ...described };
  }),
);
