"""loan-infra: boto3 deployment tooling for Loan Engine (ECR, ECS Fargate, ALB, S3, CloudFront)."""

__version__ = "0.1.0"
