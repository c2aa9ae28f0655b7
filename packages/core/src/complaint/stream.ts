/** One complaint case per stream, named by the case id. */
export const COMPLAINT_STREAM_PREFIX = 'complaint-';
export const complaintStreamName = (caseId: string): string => `${COMPLAINT_STREAM_PREFIX}${caseId}`;
export const caseIdOfComplaintStream = (stream: string): string | null =>
  stream.startsWith(COMPLAINT_STREAM_PREFIX) ? stream.slice(COMPLAINT_STREAM_PREFIX.length) : null;
