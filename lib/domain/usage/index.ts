/** Usage records in (issue 19): checking each record's fields, and late usage as adjustments. */
export {
  checkImportRow,
  checkName,
  checkQuantity,
  checkRecordId,
  checkUsageTime,
  IMPORT_COLUMNS,
  MAX_QUANTITY,
  MAX_RECORD_ID_LENGTH,
  missingColumns,
  type Checked,
  type StagedUsage,
} from './records';
export { lateUsageAdjustment, type AdjustmentLine, type RatedTotals } from './late';
