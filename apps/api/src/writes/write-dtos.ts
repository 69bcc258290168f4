import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { FISCAL_YEAR_STARTS, MODALITIES, RETRACTION_KINDS, VALUE_TYPES } from '#domain';
import { ValueInputDto } from '../values/values.dto.js';

export class QuoteDto {
  @ApiProperty({ example: 'the remaining systems will be supplied by September 2026', description: 'Exact words from the source text' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  exact!: string;

  @ApiPropertyOptional({ description: 'Which occurrence (1-based) when the words occur more than once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  occurrence?: number;

  @ApiPropertyOptional({ description: 'Text directly before the quote, to pick an occurrence' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  prefix?: string;
}

export class EntityDto {
  @ApiProperty({ example: 'Andrei Belousov' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: ['Andrey Belousov'], type: [String] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  aliases!: string[];
}

export class RegisterSourceDto {
  @ApiProperty({ example: 'India, Russia review S-400 deliveries' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional({ nullable: true, example: 'Business Standard', description: 'null when the text does not name one' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  publisher?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  author?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ require_protocol: true })
  @MaxLength(2000)
  url?: string | null;

  @ApiPropertyOptional({ example: 'en', default: 'en' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiProperty({ example: '2025-12-04', description: 'Date words or EDTF; uncertainty stays uncertain (e.g. 2025-12-05/2025-12-07)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  publishedAt!: string;

  @ApiPropertyOptional({ nullable: true, example: '2025-12-24T03:23:00Z' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  retrievedAt?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: FISCAL_YEAR_STARTS,
    example: 'april',
    description: "The month the outlet's fiscal year starts in, when it writes by one (Indian outlets: april). Its \"2026–27\" is then that fiscal year and its \"FY27\" is read by it; recorded in each value read so.",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsIn(FISCAL_YEAR_STARTS)
  fiscalYear?: string | null;

  @ApiProperty({ description: 'The full text of the article, unchanged' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1_000_000)
  text!: string;
}

export class ReviseSourceDto {
  @ApiProperty({ description: "The article's new full text" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1_000_000)
  text!: string;

  @ApiPropertyOptional({ example: 'the outlet corrected the contract value' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class OpenClaimDto {
  @ApiProperty({ example: 'S-400 contract of 2018' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  subject!: string;

  @ApiProperty({ example: 'remaining deliveries due' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  predicate!: string;

  @ApiProperty({ enum: VALUE_TYPES })
  @IsIn([...VALUE_TYPES])
  valueType!: (typeof VALUE_TYPES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ type: [EntityDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  // ValidateNested passes an array in place of an object ([[]] reached the handler: a 500).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EntityDto)
  entities?: EntityDto[];
}

export class RecordAssertionDto {
  @ApiProperty({ description: 'The id of a registered source' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sourceId!: string;

  @ApiProperty({ type: QuoteDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => QuoteDto)
  quote!: QuoteDto;

  @ApiProperty({ type: ValueInputDto, description: 'The words as written ({"text": "by September 2026"}) or a structured value' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ValueInputDto)
  value!: ValueInputDto;

  @ApiPropertyOptional({ example: '2025-12-04', description: "When the source said it (words or EDTF); defaults to the source's published-at" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  saidAt?: string;

  @ApiPropertyOptional({ example: 'Russian Defence Ministry', description: 'Who made the statement; defaults to the publisher' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  speaker?: string;

  @ApiPropertyOptional({ enum: MODALITIES, default: 'stated' })
  @IsOptional()
  @IsIn([...MODALITIES])
  modality?: (typeof MODALITIES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class AssertionChangesDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  sourceId?: string;

  @ApiPropertyOptional({ type: QuoteDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuoteDto)
  quote?: QuoteDto;

  @ApiPropertyOptional({ type: ValueInputDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ValueInputDto)
  value?: ValueInputDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  saidAt?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  speaker?: string;

  @ApiPropertyOptional({ enum: MODALITIES })
  @IsOptional()
  @IsIn([...MODALITIES])
  modality?: (typeof MODALITIES)[number];
}

export class CorrectAssertionDto {
  @ApiProperty({ type: AssertionChangesDto, description: 'The fields recorded wrongly, with their right values' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AssertionChangesDto)
  changes!: AssertionChangesDto;

  @ApiProperty({ example: 'the value was mistyped' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class RetractAssertionDto {
  @ApiPropertyOptional({ enum: RETRACTION_KINDS, default: 'recorded-in-error' })
  @IsOptional()
  @IsIn([...RETRACTION_KINDS])
  kind?: (typeof RETRACTION_KINDS)[number];

  @ApiProperty({ example: 'the outlet withdrew the report' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;
}

export class RecordVerdictDto {
  @ApiProperty({ minimum: 1, maximum: 5, description: 'ClaimReview rating: 1 false … 5 true' })
  @IsInt()
  @Min(1)
  @Max(5)
  ratingValue!: number;

  @ApiProperty({ example: 'Misleading' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  alternateName!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  reasoning!: string;

  @ApiPropertyOptional({ description: "Defaults to the API key's name" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reviewer?: string;

  @ApiPropertyOptional({ description: 'Defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  reviewedAt?: string;
}
