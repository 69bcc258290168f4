import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  registerDecorator,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { DATE_CONVENTIONS, FISCAL_YEAR_STARTS, type FiscalYearStart, MODIFIERS, RELATIONS, VALUE_TYPES, YEAR_RANGE_CONVENTIONS, type Relation, type ValueType, type YearRangeConvention } from '#domain';

/** A bound: a day or date words (dates), a number or decimal string (quantities, counts), or null for an open end. */
function IsBound(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBound',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a string, a finite number or null`, ...options },
      validator: {
        validate: (value: unknown) =>
          value === null || (typeof value === 'string' && value.length <= 200) || (typeof value === 'number' && Number.isFinite(value)),
      },
    });
}

/** `a` / `b` of a comparison: the words as written, or a structured value (checked in the controller). */
function IsWordsOrValue(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWordsOrValue',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be the words as written (a non-empty string of at most 500 characters) or a structured value (an object)`, ...options },
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && value.trim().length > 0 && value.length <= 500) ||
          (typeof value === 'object' && value !== null && !Array.isArray(value)),
      },
    });
}

export class BoundsDto {
  @ApiPropertyOptional({ nullable: true, example: null, description: 'Lower bound; null is open (-inf)' })
  @IsOptional()
  @IsBound()
  lo?: string | number | null;

  @ApiPropertyOptional({ nullable: true, example: '2026-09-30', description: 'Upper bound; null is open (+inf)' })
  @IsOptional()
  @IsBound()
  hi?: string | number | null;
}

/** The fields of a value given as structure; any value this API returned is accepted back as one. */
export class ValueFieldsDto {
  @ApiPropertyOptional({ example: 'by September 2026', description: 'The value in words, as written' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  text?: string;

  @ApiPropertyOptional({ example: '../2026-09', description: 'date: an EDTF string' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  edtf?: string;

  @ApiPropertyOptional({ example: '../2026-09', description: "A returned value's normalized form: EDTF (date), amount (quantity), integer (count)" })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  normalized?: string;

  @ApiPropertyOptional({ nullable: true, description: 'Lower bound: a day or date words (date), a number (quantity, count); null is open' })
  @IsOptional()
  @IsBound()
  lo?: string | number | null;

  @ApiPropertyOptional({ nullable: true, description: 'Upper bound; null is open' })
  @IsOptional()
  @IsBound()
  hi?: string | number | null;

  @ApiPropertyOptional({ type: BoundsDto, description: 'The same as lo/hi, as a returned value carries them' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BoundsDto)
  bounds?: BoundsDto;

  @ApiPropertyOptional({ example: '5430000000', description: 'quantity: the amount in base units' })
  @IsOptional()
  @IsBound()
  amount?: string | number;

  @ApiPropertyOptional({ example: 'USD', description: 'quantity: ISO 4217 code, %, or a named unit' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  unit?: string;

  @ApiPropertyOptional({ example: '10000000', description: 'quantity: place value of the last significant digit (a power of ten)' })
  @IsOptional()
  @IsBound()
  step?: string | number;

  @ApiPropertyOptional({ enum: ['implied', 'stated'], description: 'quantity: stated makes amount exact' })
  @IsOptional()
  @IsIn(['implied', 'stated'])
  precision?: 'implied' | 'stated';

  @ApiPropertyOptional({ enum: MODIFIERS })
  @IsOptional()
  @IsIn([...MODIFIERS])
  modifier?: string;

  @ApiPropertyOptional({ example: 5, description: 'count: the integer' })
  @IsOptional()
  @IsBound()
  count?: number | string;

  @ApiPropertyOptional({ example: 'squadrons', description: 'count: what is counted' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  noun?: string;

  @ApiPropertyOptional({ example: 'fiscal-april', description: `date: how to read "2026–27" (calendar-years or fiscal-april); a returned value's conventions (${DATE_CONVENTIONS.join(', ')}) joined with +` })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z-]+(\+[a-z-]+)*$/, { message: 'convention must be names like calendar-years or fiscal-april, joined with +' })
  convention?: string;

  @ApiPropertyOptional({ description: "A returned value's parser stamp; ignored (the value is read again by this parser)" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  parser?: string;

  @ApiPropertyOptional({ example: '2025-12-04', description: 'When the source said it (EDTF or date words); needed for "next year", "on Friday", "in May"' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  saidAt?: string;

  @ApiPropertyOptional({ enum: ['past', 'future'], description: 'A bare weekday or month is the last one on or before said-at (past, default) or the next one on or after' })
  @IsOptional()
  @IsIn(['past', 'future'])
  direction?: 'past' | 'future';

  @ApiPropertyOptional({ enum: FISCAL_YEAR_STARTS, example: 'april', description: "The source's fiscal year (as on a registered source): its \"2026–27\", \"FY27\" and \"Q3FY26\" are read by it" })
  @IsOptional()
  @IsIn([...FISCAL_YEAR_STARTS])
  fiscalYear?: FiscalYearStart;
}

export class ParseValueDto extends ValueFieldsDto {
  @ApiProperty({ enum: VALUE_TYPES, example: 'date' })
  @IsDefined({ message: 'type is required' })
  @IsIn([...VALUE_TYPES], { message: `type must be one of ${VALUE_TYPES.join(', ')}` })
  type!: ValueType;
}

/** A structured `a` or `b`; its type defaults to the comparison's. */
export class ValueInputDto extends ValueFieldsDto {
  @ApiPropertyOptional({ enum: VALUE_TYPES, description: "Defaults to the comparison's type" })
  @IsOptional()
  @IsIn([...VALUE_TYPES], { message: `type must be one of ${VALUE_TYPES.join(', ')}` })
  type?: ValueType;
}

@ApiExtraModels(ValueInputDto)
export class CompareValuesDto {
  @ApiPropertyOptional({ enum: VALUE_TYPES, example: 'date', description: 'Required when a or b is words' })
  @IsOptional()
  @IsIn([...VALUE_TYPES], { message: `type must be one of ${VALUE_TYPES.join(', ')}` })
  type?: ValueType;

  @ApiProperty({ oneOf: [{ type: 'string', example: '2026–27' }, { $ref: getSchemaPath(ValueInputDto) }], description: 'The earlier value: words or a structured value' })
  @IsDefined({ message: 'a is required' })
  @IsWordsOrValue()
  a!: string | Record<string, unknown>;

  @ApiProperty({ oneOf: [{ type: 'string', example: 'September 2026' }, { $ref: getSchemaPath(ValueInputDto) }], description: 'The later value: words or a structured value' })
  @IsDefined({ message: 'b is required' })
  @IsWordsOrValue()
  b!: string | Record<string, unknown>;

  @ApiPropertyOptional({ example: '2025-12-04', description: 'When both were said (for relative words); a structured value may carry its own' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  saidAt?: string;

  @ApiPropertyOptional({ enum: YEAR_RANGE_CONVENTIONS, description: 'How words like "2026–27" are read' })
  @IsOptional()
  @IsIn([...YEAR_RANGE_CONVENTIONS])
  convention?: YearRangeConvention;

  @ApiPropertyOptional({ enum: ['past', 'future'] })
  @IsOptional()
  @IsIn(['past', 'future'])
  direction?: 'past' | 'future';

  @ApiPropertyOptional({ enum: FISCAL_YEAR_STARTS, description: "The source's fiscal year, for both words" })
  @IsOptional()
  @IsIn([...FISCAL_YEAR_STARTS])
  fiscalYear?: FiscalYearStart;
}

/** For the OpenAPI document: what parse returns (and compare returns as a and b). */
export class ValueDto {
  @ApiProperty({ enum: VALUE_TYPES, example: 'date' }) type!: ValueType;
  @ApiProperty({ example: 'by September 2026' }) text!: string;
  @ApiProperty({ example: '../2026-09', description: 'EDTF (date), amount in base units (quantity), integer (count), folded text' }) normalized!: string;
  @ApiPropertyOptional({ type: BoundsDto, description: 'Inclusive; null is open. Absent for text.' }) bounds?: BoundsDto;
  @ApiPropertyOptional({ example: 'USD' }) unit?: string;
  @ApiPropertyOptional({ enum: ['implied', 'stated'] }) precision?: string;
  @ApiPropertyOptional({ example: '10000000' }) step?: string;
  @ApiPropertyOptional({ enum: MODIFIERS }) modifier?: string;
  @ApiPropertyOptional({ example: 'squadrons' }) noun?: string;
  @ApiPropertyOptional({ example: 'calendar-years' }) convention?: string;
  @ApiProperty({ example: 'claimline-values/1' }) parser!: string;
}

export class ComparisonDto {
  @ApiProperty({ type: ValueDto }) a!: ValueDto;
  @ApiProperty({ type: ValueDto }) b!: ValueDto;
  @ApiProperty({ enum: RELATIONS, example: 'refines' }) relation!: Relation;
  @ApiProperty({ example: 'narrowed from 2026–27 to September 2026: …' }) explanation!: string;
}

/** class-validator errors as `field: message` pairs, fields dotted under `parent` ("a.lo"). */
export function fieldErrors(errors: ValidationError[], parent: string): Array<{ field: string; message: string }> {
  return errors.flatMap((e) => {
    const field = `${parent}.${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}
