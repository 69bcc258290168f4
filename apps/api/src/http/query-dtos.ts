import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AsOfQuery {
  @ApiPropertyOptional({ description: 'Recorded-at axis: what claimline said at this instant (ISO 8601)', example: '2025-12-06T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Said-at axis: only statements on the public record by this day', example: '2025-12-04' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'saidBy must be a day, YYYY-MM-DD' })
  saidBy?: string;
}

export class ListClaimsQueryDto extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Words as typed, found in the subject, predicate, description, entity names and aliases, and the quotes and values of live assertions: any order, stemmed (delivery/deliveries), case and diacritics folded, S-400/S400/S 400 alike, the last word a prefix while typing, "quoted phrases" in order. Results are ranked (best first), each with `match`: its score and the matched words marked. Only punctuation: 400.',
    example: 'S-400 deliveries',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Words in the subject (read as q reads them)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ description: "Words of an entity's name or alias (read as q reads them), e.g. Belousov" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  entity?: string;

  @ApiPropertyOptional({ enum: ['settled', 'revised', 'contested'] })
  @IsOptional()
  @IsIn(['settled', 'revised', 'contested'])
  status?: string;
}

export class ListDiscrepanciesQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: ['overlaps', 'contradicts'] })
  @IsOptional()
  @IsIn(['overlaps', 'contradicts'])
  relation?: string;

  @ApiPropertyOptional({ description: 'Claim id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  claim?: string;

  @ApiPropertyOptional({ description: 'Source id (either side)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string;

  @ApiPropertyOptional({ enum: ['open', 'resolved', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  status?: 'open' | 'resolved' | 'all';
}

export class ListSourcesQueryDto extends PageQuery {
  @ApiPropertyOptional({ description: 'Words as typed (read as GET /claims reads q) in the title, publisher, author or text; ranked, each source with `match`' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ListEventsQueryDto {
  @ApiPropertyOptional({ description: 'Only events after this global position' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ example: 'claim-…' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream?: string;

  @ApiPropertyOptional({ description: 'The API key name that recorded the event' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ example: 'claimline.assertion-recorded' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  type?: string;

  @ApiPropertyOptional({ description: 'Recorded at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'Recorded at or before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class SuggestionsQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Text offset to read on from: the `next` of the previous answer (a long text is answered a page of suggestions at a time)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  from?: number;
}
