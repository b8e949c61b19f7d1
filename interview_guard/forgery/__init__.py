"""Face-forgery detection: the aligned crop shared by training and inference, and the ONNX scorer."""
