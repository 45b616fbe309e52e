/** The custom search attributes this project registers and upserts. Workflow-safe. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CampaignYear = defineSearchAttributeKey('CampaignYear', SearchAttributeType.INT);
export const Subdistrict = defineSearchAttributeKey('Subdistrict', SearchAttributeType.KEYWORD);
export const Stage = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const CommitteeId = defineSearchAttributeKey('CommitteeId', SearchAttributeType.KEYWORD);
export const TitleStatus = defineSearchAttributeKey('TitleStatus', SearchAttributeType.KEYWORD);

/** Names and CLI types, for `temporal server start-dev --search-attribute` and operator registration. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Int' | 'Keyword'> = {
  CampaignYear: 'Int',
  Subdistrict: 'Keyword',
  Stage: 'Keyword',
  CommitteeId: 'Keyword',
  TitleStatus: 'Keyword',
};

/** Set by the server on every run a Schedule starts (trigger and backfill too): the nominal time, and the Schedule. */
export const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
export const TemporalScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
