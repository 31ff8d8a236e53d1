# The Drover worker image: Amazon Linux 2023, Amazon Corretto 21, the drover jar and two systemd
# units (drover-worker enabled, drover-scheduler installed but disabled).
#
#   cd ami-build && packer build -var region=eu-west-1 drover-worker.pkr.hcl
#
# The new AMI id is printed at the end and written to manifest.json; deploy the stack with
# `-c amiId=<that id>` (see docs/deploy.md).
#
# Kept to what Packer 1.6.6 (Debian's, with the amazon builder built in) understands. Newer Packer
# releases ship the builder as a plugin: run `packer plugins install github.com/hashicorp/amazon` once.

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "Region to build in; the AMI is usable only there (or where you copy it)."
}

variable "jar_path" {
  type        = string
  default     = "../client-cli/target/drover.jar"
  description = "The fat jar from `mvn -B package -DskipTests` at the repository root (relative to where packer runs)."
}

variable "build_instance_type" {
  type        = string
  default     = "t3.small"
  description = "Instance that runs the provisioning for a few minutes; the image itself runs on any x86_64 type."
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "amazon-ebs" "worker" {
  region          = var.region
  instance_type   = var.build_instance_type
  ssh_username    = "ec2-user"
  ami_name        = "drover-worker-${local.timestamp}"
  ami_description = "Drover remote worker: Amazon Linux 2023, Corretto 21, /opt/drover/drover.jar, systemd units"

  # The latest Amazon Linux 2023 (standard, not minimal) for x86_64, published by Amazon.
  source_ami_filter {
    filters = {
      name                = "al2023-ami-2023.*-kernel-*-x86_64"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  tags = {
    Name    = "drover-worker"
    Project = "drover"
    Base    = "{{ .SourceAMIName }}"
  }
}

build {
  sources = ["source.amazon-ebs.worker"]

  provisioner "shell" {
    inline = ["mkdir -p /tmp/drover"]
  }

  provisioner "file" {
    source      = var.jar_path
    destination = "/tmp/drover/drover.jar"
  }

  provisioner "file" {
    sources = [
      "${path.root}/provision.sh",
      "${path.root}/fetch-config.sh",
      "${path.root}/on-worker-exit.sh",
      "${path.root}/scheduler-tls.sh",
      "${path.root}/drover-worker.service",
      "${path.root}/drover-scheduler.service",
      "${path.root}/drover-task-firewall.service",
      "${path.root}/task-firewall.nft",
    ]
    destination = "/tmp/drover/"
  }

  # provision.sh installs from the directory it sits in: /tmp/drover.
  provisioner "shell" {
    inline = [
      "sudo bash /tmp/drover/provision.sh",
      "rm -rf /tmp/drover",
    ]
  }

  post-processor "manifest" {
    output     = "manifest.json"
    strip_path = true
  }
}
