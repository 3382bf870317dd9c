"""A PyTorch CNN for MNIST with the initialization mistakes initlint exists to catch."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class MNISTNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

        nn.init.xavier_uniform_(self.conv1.weight)  # Glorot feeding ReLU: KIN101
        nn.init.xavier_normal_(self.conv2.weight)  # and again: KIN101
        self.fc1.weight.data.fill_(0.01)  # one constant for every unit: KIN002
        nn.init.zeros_(self.fc1.bias)  # zero biases are standard: not reported
        nn.init.zeros_(self.fc2.weight)  # a zero classifier head is deliberate: not reported

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)
