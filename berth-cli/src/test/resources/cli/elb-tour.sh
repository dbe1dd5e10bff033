#!/usr/bin/env bash
# The load balancer tour (docs/load-balancers.md) with the real AWS CLI against a running Berth
# server, with checks: an ALB in front of a real HTTP server answers curl at its DNSName, and bad
# input gets ELBv2's errors. Needs: ENDPOINT, AWS_SHARED_CREDENTIALS_FILE, BACKEND (ip) and
# BACKEND_PORT (an HTTP server answering there), LISTENER_PORT; AWS (default /usr/bin/aws).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LB=$(aws elbv2 create-load-balancer --name tour-alb --type application --query 'LoadBalancers[0].LoadBalancerArn')
DNS=$(aws elbv2 describe-load-balancers --names tour-alb --query 'LoadBalancers[0].DNSName')
TG=$(aws elbv2 create-target-group --name tour-tg --protocol HTTP --port "$BACKEND_PORT" --target-type ip \
  --health-check-path / --health-check-interval-seconds 5 --health-check-timeout-seconds 2 --query 'TargetGroups[0].TargetGroupArn')
aws elbv2 register-targets --target-group-arn "$TG" --targets "Id=$BACKEND" >/dev/null
LISTENER=$(aws elbv2 create-listener --load-balancer-arn "$LB" --protocol HTTP --port "$LISTENER_PORT" \
  --default-actions "Type=forward,TargetGroupArn=$TG" --query 'Listeners[0].ListenerArn')
expect "listener port" "$LISTENER_PORT" "$(aws elbv2 describe-listeners --listener-arns "$LISTENER" --query 'Listeners[0].Port')"
for _ in $(seq 1 60); do
  [ "$(aws elbv2 describe-target-health --target-group-arn "$TG" --query 'TargetHealthDescriptions[0].TargetHealth.State')" = healthy ] && break
  sleep 0.5
done
expect "target healthy" "healthy" "$(aws elbv2 describe-target-health --target-group-arn "$TG" --query 'TargetHealthDescriptions[0].TargetHealth.State')"
expect "load balancer active" "active" "$(aws elbv2 describe-load-balancers --load-balancer-arns "$LB" --query 'LoadBalancers[0].State.Code')"
expect "curl through the ALB" "hello from the backend" "$(curl -s "http://$DNS:$LISTENER_PORT/")"

aws elbv2 create-rule --listener-arn "$LISTENER" --priority 5 --conditions Field=path-pattern,Values=/maintenance \
  --actions 'Type=fixed-response,FixedResponseConfig={StatusCode=503,ContentType=text/plain,MessageBody=back soon}' >/dev/null
expect "fixed response rule" "back soon 503" "$(curl -s -w ' %{http_code}' "http://$DNS:$LISTENER_PORT/maintenance")"
expect "rules listed" "5 default" "$(aws elbv2 describe-rules --listener-arn "$LISTENER" --query 'Rules[].Priority' | tr '\t' ' ')"
aws elbv2 add-tags --resource-arns "$LB" --tags Key=env,Value=tour
expect "tags" "tour" "$(aws elbv2 describe-tags --resource-arns "$LB" --query 'TagDescriptions[0].Tags[?Key==`env`].Value | [0]')"
aws elbv2 modify-target-group-attributes --target-group-arn "$TG" --attributes Key=deregistration_delay.timeout_seconds,Value=5 >/dev/null
expect "attribute" "5" "$(aws elbv2 describe-target-group-attributes --target-group-arn "$TG" \
  --query 'Attributes[?Key==`deregistration_delay.timeout_seconds`].Value | [0]')"

expect_error "bad name" ValidationError aws elbv2 create-load-balancer --name bad_name
expect_error "duplicate listener" DuplicateListener aws elbv2 create-listener --load-balancer-arn "$LB" --protocol HTTP \
  --port "$LISTENER_PORT" --default-actions "Type=fixed-response,FixedResponseConfig={StatusCode=200}"
expect_error "priority in use" PriorityInUse aws elbv2 create-rule --listener-arn "$LISTENER" --priority 5 \
  --conditions Field=path-pattern,Values=/x --actions "Type=forward,TargetGroupArn=$TG"
expect_error "target group in use" ResourceInUse aws elbv2 delete-target-group --target-group-arn "$TG"
expect_error "unknown target group" TargetGroupNotFound aws elbv2 describe-target-health --target-group-arn "${TG}0"
expect_error "timeout not below interval" ValidationError aws elbv2 modify-target-group --target-group-arn "$TG" \
  --health-check-timeout-seconds 6
expect_error "unknown attribute" ValidationError aws elbv2 modify-load-balancer-attributes --load-balancer-arn "$LB" \
  --attributes Key=no.such,Value=1

aws elbv2 delete-listener --listener-arn "$LISTENER"
aws elbv2 delete-target-group --target-group-arn "$TG"
aws elbv2 delete-load-balancer --load-balancer-arn "$LB"
expect_error "deleted" LoadBalancerNotFound aws elbv2 describe-load-balancers --load-balancer-arns "$LB"
echo "elb tour complete"
