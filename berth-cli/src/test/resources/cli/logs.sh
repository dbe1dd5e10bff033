#!/usr/bin/env bash
# CloudWatch Logs with the real AWS CLI against a running Berth server: every implemented
# operation, its errors, and `aws logs tail --follow` seeing lines written while it runs.
# Needs what lib.sh needs (ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, AWS).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work="$(mktemp -d)"; tailpid=""
trap '[ -n "$tailpid" ] && kill "$tailpid" 2>/dev/null; rm -rf "$work"' EXIT
now=$(( $(date +%s) * 1000 ))
G=/cli/app

aws logs create-log-group --log-group-name $G --tags team=web,env=dev
expect_error "create-log-group twice" ResourceAlreadyExistsException aws logs create-log-group --log-group-name $G
expect_error "bad group name" InvalidParameterException aws logs create-log-group --log-group-name 'no spaces'
aws logs create-log-group --log-group-name /cli/other
expect "describe-log-groups by prefix" "$G" "$(aws logs describe-log-groups --log-group-name-prefix /cli/a --query 'logGroups[0].logGroupName')"
expect "paginated describe-log-groups" "2" "$(aws logs describe-log-groups --log-group-name-prefix /cli/ --page-size 1 --query 'logGroups[].logGroupName' | wc -w | tr -d ' ')"

aws logs put-retention-policy --log-group-name $G --retention-in-days 7
expect "retention" "7" "$(aws logs describe-log-groups --log-group-name-prefix $G --query 'logGroups[0].retentionInDays')"
expect_error "retention not in the list" InvalidParameterException aws logs put-retention-policy --log-group-name $G --retention-in-days 8
aws logs delete-retention-policy --log-group-name $G
expect "retention removed" "None" "$(aws logs describe-log-groups --log-group-name-prefix $G --query 'logGroups[0].retentionInDays')"

aws logs tag-log-group --log-group-name $G --tags owner=ops
aws logs untag-log-group --log-group-name $G --tags env
expect "list-tags-log-group" "ops	web" "$(aws logs list-tags-log-group --log-group-name $G --query 'tags.[owner,team]')"
arn="arn:aws:logs:us-east-1:000000000000:log-group:$G"
aws logs tag-resource --resource-arn "$arn" --tags tier=1
aws logs untag-resource --resource-arn "$arn" --tag-keys owner
expect "list-tags-for-resource" "1	None" "$(aws logs list-tags-for-resource --resource-arn "$arn" --query 'tags.[tier,owner]')"

aws logs create-log-stream --log-group-name $G --log-stream-name web/app/1
aws logs create-log-stream --log-group-name $G --log-stream-name web/app/2
expect_error "create-log-stream twice" ResourceAlreadyExistsException aws logs create-log-stream --log-group-name $G --log-stream-name web/app/1
expect_error "stream in a missing group" ResourceNotFoundException aws logs create-log-stream --log-group-name /cli/none --log-stream-name s

cat > "$work/batch1.json" <<JSON
{"logGroupName": "$G", "logStreamName": "web/app/1", "logEvents": [
  {"timestamp": $((now - 3000)), "message": "GET /index 200"},
  {"timestamp": $((now - 2000)), "message": "ERROR database timeout"},
  {"timestamp": $((now - 1000)), "message": "{\"level\":\"error\",\"latency\":250}"}]}
JSON
cat > "$work/batch2.json" <<JSON
{"logGroupName": "$G", "logStreamName": "web/app/2", "logEvents": [
  {"timestamp": $((now - 2500)), "message": "WARN slow request"},
  {"timestamp": $((now - 1500)), "message": "{\"level\":\"info\",\"latency\":20}"}]}
JSON
expect "put-log-events accepted" "None" "$(aws logs put-log-events --cli-input-json "file://$work/batch1.json" --query rejectedLogEventsInfo)"
aws logs put-log-events --cli-input-json "file://$work/batch2.json" >/dev/null
expect "too new events are rejected" "1" "$(aws logs put-log-events --log-group-name $G --log-stream-name web/app/2 \
  --log-events timestamp=$now,message=ok timestamp=$((now + 3 * 3600 * 1000)),message=future \
  --query rejectedLogEventsInfo.tooNewLogEventStartIndex)"
expect_error "events out of order" InvalidParameterException aws logs put-log-events --log-group-name $G \
  --log-stream-name web/app/2 --log-events timestamp=$now,message=b timestamp=$((now - 1)),message=a
expect_error "missing stream" ResourceNotFoundException aws logs put-log-events --log-group-name $G \
  --log-stream-name nope --log-events timestamp=$now,message=x

expect "describe-log-streams by prefix" "web/app/1	web/app/2" \
  "$(aws logs describe-log-streams --log-group-name $G --log-stream-name-prefix web/ --query 'logStreams[].logStreamName')"
expect "describe-log-streams by LastEventTime" "web/app/2" \
  "$(aws logs describe-log-streams --log-group-name $G --order-by LastEventTime --descending --query 'logStreams[0].logStreamName')"
expect_error "LastEventTime with a prefix" InvalidParameterException aws logs describe-log-streams --log-group-name $G \
  --order-by LastEventTime --log-stream-name-prefix web

expect "get-log-events from head" "GET /index 200" \
  "$(aws logs get-log-events --log-group-name $G --log-stream-name web/app/1 --start-from-head --limit 1 --query 'events[0].message')"
expect "get-log-events latest" "ERROR database timeout" \
  "$(aws logs get-log-events --log-group-name $G --log-stream-name web/app/1 --limit 2 --query 'events[0].message')"
expect "get-log-events time range" "1" "$(aws logs get-log-events --log-group-name $G --log-stream-name web/app/1 \
  --start-time $((now - 2000)) --end-time $((now - 1000)) --query 'length(events)')"

expect "filter by term" "ERROR database timeout" "$(aws logs filter-log-events --log-group-name $G --filter-pattern ERROR --query 'events[].message')"
expect "filter with ? terms" "2" "$(aws logs filter-log-events --log-group-name $G --filter-pattern '?WARN ?ERROR' --query 'length(events)')"
expect "filter with exclusion" "1" "$(aws logs filter-log-events --log-group-name $G --filter-pattern '"GET /" -slow' --query 'length(events)')"
expect "filter JSON pattern" "web/app/1" "$(aws logs filter-log-events --log-group-name $G \
  --filter-pattern '{ $.level = "error" && $.latency > 100 }' --query 'events[].logStreamName')"
expect "filter space-delimited pattern" "GET /index 200" "$(aws logs filter-log-events --log-group-name $G \
  --filter-pattern '[verb = GET, path, status = 2*]' --query 'events[].message')"
expect "filter space-delimited with || and ellipsis" "2" "$(aws logs filter-log-events --log-group-name $G \
  --filter-pattern '[level = ERROR || level = WARN, ...]' --query 'length(events)')"
expect "filter space-delimited numeric" "1" "$(aws logs filter-log-events --log-group-name $G \
  --filter-pattern '[..., status >= 200 && status < 300]' --query 'length(events)')"
expect_error "malformed space-delimited pattern" InvalidParameterException aws logs filter-log-events --log-group-name $G \
  --filter-pattern '[verb, status == 200]'
expect "filter interleaves streams" "web/app/1 web/app/2 web/app/1 web/app/2 web/app/1 web/app/2" \
  "$(aws logs filter-log-events --log-group-name $G --query 'events[].logStreamName' | tr '\t' ' ')"
expect "filter by stream names" "3" "$(aws logs filter-log-events --log-group-name $G --log-stream-names web/app/1 --query 'length(events)')"
expect "filter paginates" "6" "$(aws logs filter-log-events --log-group-name $G --page-size 2 --query 'events[].eventId' | wc -w | tr -d ' ')"
expect_error "malformed filter pattern" InvalidParameterException aws logs filter-log-events --log-group-name $G --filter-pattern '{ $.x = '

expect "tail" "6" "$(aws logs tail $G --since 1h | wc -l | tr -d ' ')"
"$AWS" --endpoint-url "$ENDPOINT" logs tail $G --follow --since 1m > "$work/follow.out" 2>&1 &
tailpid=$!
sleep 3
later=$(( $(date +%s) * 1000 ))
aws logs put-log-events --log-group-name $G --log-stream-name web/app/1 --log-events "timestamp=$later,message=followed line" >/dev/null
for _ in $(seq 1 30); do grep -q "followed line" "$work/follow.out" && break; sleep 1; done
grep -q "followed line" "$work/follow.out" || fail "tail --follow did not show the new line: $(cat "$work/follow.out")"
echo "ok - tail --follow sees a new line"
kill "$tailpid"; tailpid=""

aws logs delete-log-stream --log-group-name $G --log-stream-name web/app/2
expect_error "get-log-events of a deleted stream" ResourceNotFoundException aws logs get-log-events --log-group-name $G --log-stream-name web/app/2
aws logs delete-log-group --log-group-name $G
aws logs delete-log-group --log-group-name /cli/other
expect_error "delete a deleted group" ResourceNotFoundException aws logs delete-log-group --log-group-name $G
echo "logs tour complete"
