import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  type Comparison,
  type ParseContext,
  type Value,
  type ValueInput,
  type ValueType,
  UnparseableField,
  UnparseableValue,
  compareValues,
  parseDate,
  parseValue,
} from '#domain';
import { ProblemException } from '../http/problem.js';
import { CompareValuesDto, ComparisonDto, ParseValueDto, type ValueFieldsDto, ValueDto, ValueInputDto, fieldErrors } from './values.dto.js';

/**
 * Runs a parse; a refusal becomes UnparseableField naming the request field: `field` itself for
 * words, or `prefix.<the value field at fault>` (`unit`, `lo`, `a.edtf`) for structured input.
 */
function naming<T>(read: () => T, field: string | { prefix: string }): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnparseableValue && !(e instanceof UnparseableField)) {
      const name = typeof field === 'string' ? field : [field.prefix, e.inputField ?? 'text'].filter(Boolean).join('.');
      throw new UnparseableField(name, e);
    }
    throw e;
  }
}

/** Only the value's own fields go to the parser (said-at and direction are context). */
function valueInput(fields: ValueFieldsDto, type: ValueType): ValueInput {
  const { saidAt: _saidAt, direction: _direction, fiscalYear: _fiscalYear, ...rest } = fields;
  const bounds = rest.bounds ? { lo: rest.bounds.lo, hi: rest.bounds.hi } : undefined;
  const input = { ...rest, bounds, type } as ValueInput;
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as ValueInput;
}

function context(saidAt: string | undefined, direction: 'past' | 'future' | undefined, field: string, convention?: ParseContext['convention'], fiscalYear?: ParseContext['fiscalYear']): ParseContext {
  const ctx: ParseContext = {};
  if (saidAt !== undefined) ctx.saidAt = naming(() => parseDate(saidAt), field).bounds;
  if (direction) ctx.direction = direction;
  if (convention) ctx.convention = convention;
  if (fiscalYear) ctx.fiscalYear = fiscalYear;
  return ctx;
}

/**
 * Reading values and comparing them (DESIGN 3): the domain's parser and relation, over HTTP.
 * Nothing is stored. Words that cannot be read are a 400 naming the field and quoting them.
 */
@ApiTags('values')
@Controller('values')
export class ValuesController {
  @Post('parse')
  @HttpCode(200)
  @ApiOperation({ summary: 'Read a value (words as written, or structured) into its normalized form and bounds' })
  @ApiOkResponse({ type: ValueDto })
  @ApiBadRequestResponse({ description: 'application/problem+json naming the field and quoting the input' })
  parse(@Body() dto: ParseValueDto): Value {
    const ctx = context(dto.saidAt, dto.direction, 'saidAt', undefined, dto.fiscalYear);
    const input = valueInput(dto, dto.type);
    return naming(() => parseValue(input, ctx), { prefix: '' });
  }

  @Post('compare')
  @HttpCode(200)
  @ApiOperation({ summary: 'Relate a later value b to an earlier value a: same, refines, generalizes, overlaps, contradicts or incomparable' })
  @ApiOkResponse({ type: ComparisonDto })
  @ApiBadRequestResponse({ description: 'application/problem+json naming the field (a, b, a.lo, type, …) and quoting the input' })
  compare(@Body() dto: CompareValuesDto): { a: Value; b: Value } & Comparison {
    const a = this.side('a', dto.a, dto);
    const b = this.side('b', dto.b, dto);
    return { a, b, ...compareValues(a, b) };
  }

  private side(name: 'a' | 'b', given: string | Record<string, unknown>, dto: CompareValuesDto): Value {
    if (typeof given === 'string') {
      if (!dto.type) throw missingType(name);
      const ctx = context(dto.saidAt, dto.direction, 'saidAt', dto.convention, dto.fiscalYear);
      return naming(() => parseValue({ type: dto.type!, text: given }, ctx), name);
    }
    // Nested values are checked like a body of their own: unknown fields and wrong types name "a.…".
    const fields = plainToInstance(ValueInputDto, given);
    const errors = fieldErrors(validateSync(fields, { whitelist: true, forbidNonWhitelisted: true }), name);
    if (errors.length) {
      throw new ProblemException({
        type: '/problems/validation-failed',
        title: 'Validation failed',
        status: 400,
        detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors,
      });
    }
    const type = fields.type ?? dto.type;
    if (!type) throw missingType(`${name}.type`);
    const ctx = context(fields.saidAt ?? dto.saidAt, fields.direction ?? dto.direction, fields.saidAt !== undefined ? `${name}.saidAt` : 'saidAt', fields.convention === undefined ? dto.convention : undefined, fields.fiscalYear ?? dto.fiscalYear);
    const input = valueInput(fields, type);
    return naming(() => parseValue(input, ctx), { prefix: name });
  }
}

function missingType(field: string): ProblemException {
  const message = `${field === 'a' || field === 'b' ? 'type' : field} is required: say which type of value ${field === 'a' || field === 'b' ? `"${field}" is` : 'this is'} (${['date', 'quantity', 'count', 'text'].join(', ')})`;
  return new ProblemException({ type: '/problems/validation-failed', title: 'Validation failed', status: 400, detail: message, errors: [{ field: field === 'a' || field === 'b' ? 'type' : field, message }] });
}
